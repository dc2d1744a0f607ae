package io.hapair.agent.volume;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One operation in the primary's ordered stream. Its place in the stream ({@link #id}) is the order
 * in which both nodes apply it. Mutable fields are guarded by the volume's lock.
 */
final class Request {
  enum Kind {
    WRITE,
    ZEROES,
    FLUSH,
    RESYNC,
    RESYNC_DONE,
    VERIFY
  }

  final Kind kind;
  final long offset;
  final long length;
  final ByteBuffer data;
  final boolean fua;
  final int permits;
  final CompletableFuture<Void> done = new CompletableFuture<>();

  /** RESYNC: the data as read locally at this request's turn. */
  final CompletableFuture<ByteBuffer> resyncRead = new CompletableFuture<>();

  /** VERIFY: this node's and the peer's region digests at this request's place in the stream. */
  final CompletableFuture<byte[]> localDigests = new CompletableFuture<>();

  final CompletableFuture<byte[]> peerDigests = new CompletableFuture<>();

  long id;
  long submittedNanos;

  /** Its extents are held in the activity log until it is answered. */
  boolean activityHeld;

  boolean localDone;

  /** The peer has done what the protocol needs before the client may be answered. */
  boolean remoteDone;

  Request(Kind kind, long offset, long length, ByteBuffer data, boolean fua, int permits) {
    this.kind = kind;
    this.offset = offset;
    this.length = length;
    this.data = data;
    this.fua = fua;
    this.permits = permits;
  }

  boolean changesData() {
    return kind == Kind.WRITE || kind == Kind.ZEROES || kind == Kind.RESYNC;
  }
}
