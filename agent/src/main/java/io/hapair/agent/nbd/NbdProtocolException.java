package io.hapair.agent.nbd;

import java.io.IOException;

/** The client broke the protocol: the connection is closed with this reason logged. */
final class NbdProtocolException extends IOException {
  NbdProtocolException(String reason) {
    super(reason);
  }
}
