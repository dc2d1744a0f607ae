package io.hapair.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String VALID =
      """
      pair: db
      node: node-a
      stateDir: /var/lib/hapair
      keyFile: /etc/hapair/pair.key
      spec:
        nodes:
          - {name: node-a, address: 192.0.2.11}
          - {name: node-b, address: 192.0.2.12}
        volume: {disk: /dev/vdb, protocol: A}
      """;

  private Path file(String text) throws IOException {
    Path f = dir.resolve("node.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void aValidFileLoads() throws Exception {
    StandaloneConfig config = ConfigLoader.load(file(VALID));

    assertThat(config.node).isEqualTo("node-a");
    assertThat(config.uid()).isEqualTo("db");
    assertThat(config.spec.getVolume().getProtocol().name()).isEqualTo("A");
  }

  @Test
  void aMisspeltFieldIsNamedWithItsLine() throws IOException {
    Path f = file(VALID.replace("protocol: A", "protocl: A"));

    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node.yaml:9:")
        .hasMessageContaining("spec.volume.protocl");
  }

  @Test
  void aBadEnumValueIsNamedWithItsLine() throws IOException {
    Path f = file(VALID.replace("protocol: A", "protocol: D"));

    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessageContaining(":9:")
        .hasMessageContaining("spec.volume.protocol");
  }

  @Test
  void aNodeThatIsNotInThePairIsRefused() throws IOException {
    Path f = file(VALID.replace("node: node-a", "node: node-c"));

    assertThatThrownBy(() -> ConfigLoader.load(f))
        .hasMessageContaining("node: \"node-c\" is not one of spec.nodes (node-a, node-b)");
  }

  @Test
  void missingRequiredFieldsAreNamed() throws IOException {
    Path f = file(VALID.replace("stateDir: /var/lib/hapair\n", ""));

    assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining("stateDir");
  }

  @Test
  void aPairOffLoopbackNeedsTheKey() throws IOException {
    Path f = file(VALID.replace("keyFile: /etc/hapair/pair.key\n", ""));

    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("keyFile: required: node node-a replicates over 192.0.2.11");
  }

  @Test
  void aLoopbackPairMayGoWithoutTheKey() throws Exception {
    Path f =
        file(
            VALID
                .replace("keyFile: /etc/hapair/pair.key\n", "")
                .replace("192.0.2.11", "127.0.0.1")
                .replace("192.0.2.12", "127.0.0.2"));

    assertThat(ConfigLoader.load(f).keyFile).isNull();
  }
}
