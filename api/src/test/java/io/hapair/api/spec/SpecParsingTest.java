package io.hapair.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecParsingTest {

  @Test
  void durationsAddTheirParts() {
    assertThat(Durations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "100", "1.5s", "s", "10 s", "-1s"})
  void badDurationsAreRejected(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ipv6LiteralsAreNormalised() {
    assertThat(IpAddresses.parse("2001:db8:0:0::11")).isEqualTo(IpAddresses.parse("2001:db8::11"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "node-a", "256.1.1.1", "1.2.3", ":::", "1.2.3.4.5", " "})
  void nonLiteralsAreRejectedWithoutALookup(String text) {
    assertThatThrownBy(() -> IpAddresses.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cidrContainment() {
    Cidr net = Cidr.parse("192.0.2.0/24");
    assertThat(net.contains(IpAddresses.parse("192.0.2.200"))).isTrue();
    assertThat(net.contains(IpAddresses.parse("192.0.3.1"))).isFalse();
    assertThat(net.contains(IpAddresses.parse("2001:db8::1"))).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains(IpAddresses.parse("2001:db8:ffff::1")))
        .isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddresses.parse("203.0.113.9"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.1", "192.0.2.1/33", "192.0.2.1/x", "2001:db8::/129"})
  void badCidrsAreRejected(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
