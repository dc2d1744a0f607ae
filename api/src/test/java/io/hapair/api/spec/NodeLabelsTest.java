package io.hapair.api.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeLabelsTest {
  @Test
  void aNodeNameIsTheLabelsName() {
    assertThat(NodeLabels.forNode("worker-1.example.com"))
        .isEqualTo("node.hapair.io/worker-1.example.com");
  }

  @Test
  void aNameTooLongForALabelIsHashedToAStableValidOne() {
    String longName = "n".repeat(64) + ".example.com";
    String label = NodeLabels.forNode(longName);
    String name = label.substring(NodeLabels.PREFIX.length());
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");
    assertThat(NodeLabels.forNode(longName)).isEqualTo(label);
    assertThat(NodeLabels.forNode(longName + "x")).isNotEqualTo(label);
  }
}
