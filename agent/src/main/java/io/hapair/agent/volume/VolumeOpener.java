package io.hapair.agent.volume;

import io.hapair.agent.disk.BlockStore;
import io.hapair.agent.meta.ActivityLog;
import io.hapair.agent.meta.Bitmap;
import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Metadata;
import io.hapair.agent.meta.MetadataStore;
import io.hapair.agent.meta.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a volume's metadata, initializing it only for a blank disk or the named initial sync
 * source, and accounting for a primary crash: every extent of the old activity log is marked out of
 * sync. A node always opens as secondary; promotion is decided elsewhere.
 */
final class VolumeOpener {
  private static final Logger log = LoggerFactory.getLogger(VolumeOpener.class);

  private VolumeOpener() {}

  static MetadataStore open(VolumeConfig config, BlockStore store) throws IOException {
    String identity = config.disk().toString();
    if (!Files.exists(config.metadata())) {
      return initialize(config, store, identity);
    }
    MetadataStore meta = MetadataStore.open(config.metadata());
    Metadata m = meta.metadata();
    String mismatch =
        !m.pairUid().equals(config.pairUid())
            ? "belongs to pair " + m.pairUid()
            : !m.node().equals(config.node()) || !m.group().equals(config.group())
                ? "belongs to " + m.node() + "/" + m.group()
                : m.size() != store.size()
                    ? "describes a disk of "
                        + m.size()
                        + " bytes, "
                        + identity
                        + " has "
                        + store.size()
                    : null;
    if (mismatch != null) {
      meta.close();
      throw new IOException(
          config.metadata() + " " + mismatch + ": refusing to use " + identity + " (wrong disk?)");
    }
    if (!m.cleanShutdown() && m.role() == Role.PRIMARY) {
      Bitmap bitmap = meta.bitmap();
      for (long extent : m.activityLog()) {
        bitmap.setRange(extent * ActivityLog.EXTENT_SIZE, ActivityLog.EXTENT_SIZE);
      }
      meta.persistBitmap();
      log.warn(
          "{}: was primary and did not shut down cleanly: {} activity-log extents marked out of"
              + " sync",
          config.logPrefix(),
          m.activityLog().size());
    }
    meta.write(m.withRole(Role.SECONDARY).withCleanShutdown(false).withActivityLog(List.of()));
    return meta;
  }

  private static MetadataStore initialize(VolumeConfig config, BlockStore store, String identity)
      throws IOException {
    boolean blank = DiskInspector.isBlank(store);
    if (!blank && !config.isInitialSyncSource()) {
      String what = DiskInspector.signature(store).orElse("data");
      throw new IOException(
          identity
              + " holds "
              + what
              + " and no hapair metadata: refusing to initialize it. Name this node in"
              + " spec.volume.initialSyncSource to keep and replicate its data, or wipe the disk.");
    }
    // The initial sync source's data is the pair's data. A blank disk is as current as another
    // blank disk, but not as the source's: it stays Inconsistent until its full sync is done.
    boolean source = config.isInitialSyncSource();
    Generations g = source ? new Generations(Generations.fresh(), 0, 0, 0) : Generations.BLANK;
    DiskState state =
        source || config.initialSyncSource() == null
            ? DiskState.UP_TO_DATE
            : DiskState.INCONSISTENT;
    Metadata m =
        new Metadata(
            config.pairUid(),
            config.node(),
            config.group(),
            identity,
            store.size(),
            config.regionSize(),
            Role.SECONDARY,
            state,
            0,
            g,
            false,
            List.of());
    log.info(
        "{}: initialized metadata for {} ({} bytes, {})",
        config.logPrefix(),
        identity,
        store.size(),
        blank ? "blank" : "initial sync source");
    return MetadataStore.create(config.metadata(), m);
  }
}
