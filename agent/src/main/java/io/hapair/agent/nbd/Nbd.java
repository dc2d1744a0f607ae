package io.hapair.agent.nbd;

/** Numbers of the NBD protocol (fixed newstyle handshake, simple replies). */
final class Nbd {
  private Nbd() {}

  static final long NBDMAGIC = 0x4e42444d41474943L;
  static final long IHAVEOPT = 0x49484156454F5054L;
  static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
  static final int REQUEST_MAGIC = 0x25609513;
  static final int SIMPLE_REPLY_MAGIC = 0x67446698;

  // handshake flags (server) and client flags
  static final int FLAG_FIXED_NEWSTYLE = 1;
  static final int FLAG_NO_ZEROES = 2;
  static final int CLIENT_FLAG_FIXED_NEWSTYLE = 1;
  static final int CLIENT_FLAG_NO_ZEROES = 2;

  // options
  static final int OPT_EXPORT_NAME = 1;
  static final int OPT_ABORT = 2;
  static final int OPT_LIST = 3;
  static final int OPT_STARTTLS = 5;
  static final int OPT_INFO = 6;
  static final int OPT_GO = 7;

  // option replies
  static final int REP_ACK = 1;
  static final int REP_INFO = 3;
  static final int REP_ERR_UNSUP = 0x80000001;
  static final int REP_ERR_POLICY = 0x80000002;
  static final int REP_ERR_INVALID = 0x80000003;
  static final int REP_ERR_TLS_REQD = 0x80000005;
  static final int REP_ERR_UNKNOWN = 0x80000006;
  static final int REP_ERR_SHUTDOWN = 0x80000007;

  // NBD_INFO types
  static final int INFO_EXPORT = 0;
  static final int INFO_BLOCK_SIZE = 3;

  // transmission flags
  static final int TX_HAS_FLAGS = 1;
  static final int TX_SEND_FLUSH = 1 << 2;
  static final int TX_SEND_FUA = 1 << 3;
  static final int TX_SEND_TRIM = 1 << 5;
  static final int TX_SEND_WRITE_ZEROES = 1 << 6;
  static final int TX_CAN_MULTI_CONN = 1 << 8;

  // commands and command flags
  static final int CMD_READ = 0;
  static final int CMD_WRITE = 1;
  static final int CMD_DISC = 2;
  static final int CMD_FLUSH = 3;
  static final int CMD_TRIM = 4;
  static final int CMD_WRITE_ZEROES = 6;
  static final int CMD_FLAG_FUA = 1;

  // errors
  static final int EPERM = 1;
  static final int EIO = 5;
  static final int EINVAL = 22;
  static final int ENOSPC = 28;
  static final int ENOTSUP = 95;
  static final int ESHUTDOWN = 108;

  /** Largest request payload accepted; clients learn it from NBD_INFO_BLOCK_SIZE. */
  static final int MAX_PAYLOAD = 32 << 20;

  static final int PREFERRED_BLOCK = 4096;
}
