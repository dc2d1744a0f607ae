package io.hapair.api.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of the {@code hapair.io/force-promote} annotation: space-separated {@code key=value}
 * terms, {@code node=<node> lose-writes-of=<peer> since-epoch=<epoch>}.
 */
public final class ForcePromoteRequest {
  private ForcePromoteRequest() {}

  public static Map<String, String> parse(String value) {
    Map<String, String> terms = new LinkedHashMap<>();
    for (String term : value.trim().split("[\\s,;]+")) {
      int eq = term.indexOf('=');
      if (eq > 0) {
        terms.put(term.substring(0, eq), term.substring(eq + 1));
      }
    }
    return terms;
  }

  public static String format(String node, String loseWritesOf, long sinceEpoch) {
    return "node=" + node + " lose-writes-of=" + loseWritesOf + " since-epoch=" + sinceEpoch;
  }
}
