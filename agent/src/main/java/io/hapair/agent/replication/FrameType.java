package io.hapair.agent.replication;

/** The kinds of replication frame; codes are part of the wire format (see docs/design/0002). */
public enum FrameType {
  HELLO(1),
  WRITE(2),
  WRITE_ACK(3),
  RECEIVE_ACK(4),
  FLUSH(5),
  FLUSH_ACK(6),
  ZEROES(7),
  RESYNC_DATA(8),
  RESYNC_DONE(9),
  BITMAP(10),
  PING(11),
  PONG(12),
  BYE(13),
  VERIFY(14),
  VERIFY_ACK(15),
  WITNESS_READ(16),
  WITNESS_CAS(17),
  WITNESS_RECORD(18),
  WITNESS_REFUSED(19),
  /** The primary has handed its role to the receiver at the epoch in the payload (switchover). */
  HANDOVER(20);

  final int code;

  FrameType(int code) {
    this.code = code;
  }

  private static final FrameType[] BY_CODE = new FrameType[32];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  static FrameType of(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
