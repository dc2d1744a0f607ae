package io.hapair.agent.volume;

import io.hapair.agent.support.Command;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Not part of `make test`: prints how the bitmap's region size trades resync traffic against bitmap
 * size. The same 2,000 scattered 4 KiB writes land while the secondary is away; the resync that
 * follows is counted. Run: mvn -pl api,agent -am verify -Dit.test=RegionSizeBench
 * -Dsurefire.skip=true -Dfailsafe.failIfNoSpecifiedTests=false
 */
class RegionSizeBench {
  @Test
  void printResyncBytesPerRegionSize() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int regionSize : new int[] {4096, 65536, 1 << 20}) {
      Path dir = Files.createTempDirectory("region-bench");
      try (PairHarness pair = new PairHarness(dir, Protocol.C, "k".getBytes())) {
        pair.regionSize = regionSize;
        pair.a.start(pair.arbiter);
        pair.b.start(pair.arbiter);
        pair.a.promoteAndExport();
        pair.awaitInSync(pair.a);
        pair.b.crash();
        StringBuilder script = new StringBuilder();
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
          script
              .append("h.pwrite(b'x' * 4096, ")
              .append(random.nextInt((int) (PairHarness.SIZE / 4096)) * 4096L)
              .append(")\n");
        }
        Command.run(
                Duration.ofSeconds(120),
                "env",
                "PATH=/usr/bin:/bin",
                "nbdsh",
                "-u",
                pair.a.uri(),
                "-c",
                script.toString())
            .orFail();
        long before = pair.a.volume.resyncedBytes();
        pair.b.start(pair.arbiter);
        pair.awaitInSync(pair.a);
        long resynced = pair.a.volume.resyncedBytes() - before;
        long bitmapPerTiB = (1L << 40) / regionSize / 8;
        rows.add(
            String.format(
                "| %d KiB | %d | %.1f MiB | %.2f | %d KiB |",
                regionSize / 1024,
                2000 * 4096L / 1024,
                resynced / 1048576.0,
                resynced / (2000 * 4096.0),
                bitmapPerTiB / 1024));
      }
    }
    System.out.println(
        "| region | written while away (KiB) | resynced | resync / written | bitmap per TiB |");
    System.out.println("| --- | --- | --- | --- | --- |");
    rows.forEach(System.out::println);
  }
}
