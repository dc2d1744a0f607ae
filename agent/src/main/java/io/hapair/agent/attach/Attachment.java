package io.hapair.agent.attach;

import java.io.IOException;
import java.nio.file.Path;

/** The volume attached on this node as a block device, until {@link #detach()}. */
public interface Attachment {
  /** The block device, e.g. /dev/nbd0 or /dev/loop3. */
  Path device();

  /** The backend that made it ("kernel-nbd", "qemu-fuse"). */
  String backend();

  /** Releases the device and whatever serves it; the device must no longer be mounted. */
  void detach() throws IOException;
}
