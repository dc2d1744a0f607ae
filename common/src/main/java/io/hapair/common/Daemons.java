package io.hapair.common;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads: none of the agent's or operator's helpers may keep a process alive. */
public final class Daemons {
  private Daemons() {}

  public static ThreadFactory named(String name) {
    return body -> {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Starts {@code body} on a new named daemon thread. */
  public static Thread start(String name, Runnable body) {
    Thread thread = named(name).newThread(body);
    thread.start();
    return thread;
  }
}
