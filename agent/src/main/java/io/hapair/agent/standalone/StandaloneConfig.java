package io.hapair.agent.standalone;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hapair.api.v1alpha1.HAPairSpec;
import java.util.List;

/**
 * The standalone agent's file: the HAPair spec as in Kubernetes, plus what Kubernetes would
 * otherwise provide (this node's name, where to keep state, the pair's key, the witness).
 */
public class StandaloneConfig {
  /** The pair's name: the service group's name in ActivePassive mode. */
  @JsonProperty(required = true)
  public String pair;

  /**
   * The HAPair's namespace when the Kubernetes agent runs the pair (a label of its series); never
   * read from a file: standalone pairs have none.
   */
  @JsonIgnore public String namespace;

  /** The pair's unique id, written into both nodes' metadata; defaults to the name. */
  public String uid;

  /** Which of spec.nodes this agent is. */
  @JsonProperty(required = true)
  public String node;

  /** Directory for the volumes' metadata files. */
  @JsonProperty(required = true)
  public String stateDir;

  /** File holding the pair's shared key (any bytes, 32 or more); authenticates the link. */
  public String keyFile;

  /**
   * Directory with the pair's TLS files (ca-cert.pem, server-cert.pem, server-key.pem), needed when
   * spec.export.tls is Required; `hapair-agent certs` creates them.
   */
  public String tlsDir;

  /**
   * The third vote: "host:port" of a `hapair-agent witness` process (needs keyFile), or "none": the
   * preferred primary keeps its role alone and the other node never promotes itself.
   */
  public String witness = "none";

  /** host:port of /metrics, /healthz and /readyz, or "off". */
  public String metrics = "0.0.0.0:9796";

  /** How long a witness request may take before its outcome counts as unknown. */
  public String witnessTimeout = "500ms";

  /**
   * Whether the agent runs spec.hooks.* and spec.failover.healthCheck.command (as the agent's user,
   * root). Off unless the file says so, as in Kubernetes, where the chart value decides; a spec
   * naming commands while it is off is refused at start.
   */
  public boolean allowCommands;

  /**
   * The disks spec may name (globs, or directories ending in /; see DiskAllowList); absent means
   * any: the file's author is the node's administrator. The Kubernetes agent always sets it.
   */
  public List<String> allowedDisks;

  @JsonProperty(required = true)
  public HAPairSpec spec;

  public String uid() {
    return uid == null ? pair : uid;
  }
}
