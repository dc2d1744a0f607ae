package io.hapair.api.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ForcePromoteRequestTest {
  @Test
  void readsWhatItWrites() {
    String value = ForcePromoteRequest.format("node-b", "node-a", 3);
    assertThat(ForcePromoteRequest.parse(value))
        .isEqualTo(Map.of("node", "node-b", "lose-writes-of", "node-a", "since-epoch", "3"));
  }

  @Test
  void acceptsCommasAndExtraSpaceAndSkipsWhatIsNotATerm() {
    assertThat(ForcePromoteRequest.parse("  node=node-b,lose-writes-of=node-a  since-epoch=3 junk"))
        .isEqualTo(Map.of("node", "node-b", "lose-writes-of", "node-a", "since-epoch", "3"));
  }
}
