package io.hapair.agent.standalone;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hapair.api.v1alpha1.PairNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a standalone config, reporting mistakes as "file:line:column: field: problem". */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private ConfigLoader() {}

  public static StandaloneConfig load(Path file) throws ConfigException {
    StandaloneConfig config;
    try {
      config = YAML.readValue(file.toFile(), StandaloneConfig.class);
    } catch (JsonMappingException e) {
      throw new ConfigException(
          where(file, e.getLocation()) + path(e) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(where(file, e.getLocation()) + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
    if (config == null) {
      throw new ConfigException(file + ": the file is empty");
    }
    for (String[] required :
        new String[][] {
          {"pair", config.pair}, {"node", config.node}, {"stateDir", config.stateDir}
        }) {
      if (required[1] == null || required[1].isBlank()) {
        throw new ConfigException(file + ": " + required[0] + ": required");
      }
    }
    if (config.spec == null) {
      throw new ConfigException(file + ": spec: required");
    }
    if (config.spec.getNodes() == null
        || config.spec.getNodes().stream().noneMatch(n -> config.node.equals(n.getName()))) {
      throw new ConfigException(
          file
              + ": node: \""
              + config.node
              + "\" is not one of spec.nodes ("
              + (config.spec.getNodes() == null
                  ? "none"
                  : config.spec.getNodes().stream()
                      .map(PairNode::getName)
                      .collect(Collectors.joining(", ")))
              + ")");
    }
    if (config.keyFile == null) {
      for (PairNode n : config.spec.getNodes()) {
        if (!isLoopback(n.getAddress())) {
          throw new ConfigException(
              file
                  + ": keyFile: required: node "
                  + n.getName()
                  + " replicates over "
                  + n.getAddress()
                  + ", and a link without the pair's key takes writes from anyone who reaches"
                  + " its port (only loopback pairs may go without)");
        }
      }
    }
    if (!"none".equals(config.witness)) {
      if (!config.witness.matches("^.+:[0-9]{1,5}$")) {
        throw new ConfigException(
            file + ": witness: \"" + config.witness + "\" is neither none nor host:port");
      }
      if (config.keyFile == null) {
        throw new ConfigException(
            file + ": keyFile: required with a witness (it authenticates the requests)");
      }
    }
    return config;
  }

  /** Whether an address is a loopback literal or a name that resolves to one; unknown: no. */
  private static boolean isLoopback(String address) {
    try {
      return address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String where(Path file, JsonLocation location) {
    return location == null
        ? file + ": "
        : file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
