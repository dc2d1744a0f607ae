package io.hapair.agent.core;

/**
 * One message on one link session: {@code counter} numbers the sender's frames from 0 in that
 * session, {@code epoch} is the sender's epoch (its highest seen when it is not primary).
 */
public record Frame(long session, long counter, long epoch, PeerMessage body) {}
