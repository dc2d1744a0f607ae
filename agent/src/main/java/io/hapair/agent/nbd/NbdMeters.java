package io.hapair.agent.nbd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An export's request and error counters, labelled like the volume's other series (the pair's
 * labels, group, node), each registered at 0 when the server starts. The volume removes them when
 * it closes; an export that closes and reopens with the role keeps counting on the same series.
 */
final class NbdMeters {
  private static final List<Integer> ERRNOS =
      List.of(Nbd.EPERM, Nbd.EIO, Nbd.EINVAL, Nbd.ENOSPC, Nbd.ENOTSUP, Nbd.ESHUTDOWN);

  private final Map<Integer, Counter> requests = new HashMap<>();
  private final Map<Integer, Counter> errors = new HashMap<>();
  private final Counter otherRequests;
  private final Counter otherErrors;

  NbdMeters(Tags tags) {
    MeterRegistry registry = Metrics.globalRegistry;
    requests.put(Nbd.CMD_READ, request(registry, tags, "read"));
    requests.put(Nbd.CMD_WRITE, request(registry, tags, "write"));
    requests.put(Nbd.CMD_FLUSH, request(registry, tags, "flush"));
    requests.put(Nbd.CMD_TRIM, request(registry, tags, "trim"));
    requests.put(Nbd.CMD_WRITE_ZEROES, request(registry, tags, "write_zeroes"));
    otherRequests = request(registry, tags, "other");
    for (int errno : ERRNOS) {
      errors.put(errno, error(registry, tags, Integer.toString(errno)));
    }
    otherErrors = error(registry, tags, "other");
  }

  private static Counter request(MeterRegistry registry, Tags tags, String type) {
    return Counter.builder("hapair.nbd.requests")
        .description("NBD requests received, by type")
        .tags(tags.and("type", type))
        .register(registry);
  }

  private static Counter error(MeterRegistry registry, Tags tags, String errno) {
    return Counter.builder("hapair.nbd.errors")
        .description("NBD error replies, by errno (108 ESHUTDOWN: this node may not serve)")
        .tags(tags.and("errno", errno))
        .register(registry);
  }

  Counter requests(int type) {
    return requests.getOrDefault(type, otherRequests);
  }

  Counter errors(int errno) {
    return errors.getOrDefault(errno, otherErrors);
  }
}
