package io.hapair.api.spec;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes quantities of bytes, as in the spec: 10Gi, 500M, 100Mi, 1073741824. */
public final class Quantities {
  private static final Pattern QUANTITY =
      Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$");
  private static final Map<String, Long> UNITS =
      Map.of(
          "Ki",
          1L << 10,
          "Mi",
          1L << 20,
          "Gi",
          1L << 30,
          "Ti",
          1L << 40,
          "Pi",
          1L << 50,
          "k",
          1_000L,
          "M",
          1_000_000L,
          "G",
          1_000_000_000L,
          "T",
          1_000_000_000_000L,
          "P",
          1_000_000_000_000_000L);

  private Quantities() {}

  public static long parseBytes(String text) {
    Matcher m = text == null ? null : QUANTITY.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a quantity such as 100Mi or 10Gi");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2));
    return number.multiply(BigDecimal.valueOf(unit)).longValueExact();
  }
}
