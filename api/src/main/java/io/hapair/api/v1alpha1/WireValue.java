package io.hapair.api.v1alpha1;

import java.util.Arrays;

/**
 * A value of the status vocabulary that agents and operator share: its constant's name is what goes
 * on the wire, and {@link #meaning()} is what the reference docs print next to it.
 */
public interface WireValue {

  /** One sentence for people: what the value says about the pair or node. */
  String meaning();

  /**
   * The constant named {@code value}, or null for a value this version does not know (a status
   * written by another version is recomputed, never refused as a whole).
   */
  static <E extends Enum<E> & WireValue> E parse(Class<E> type, String value) {
    return Arrays.stream(type.getEnumConstants())
        .filter(e -> e.name().equals(value))
        .findFirst()
        .orElse(null);
  }
}
