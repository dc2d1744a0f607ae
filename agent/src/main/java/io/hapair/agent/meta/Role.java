package io.hapair.agent.meta;

/** A node's role in a service group. */
public enum Role {
  PRIMARY,
  SECONDARY
}
