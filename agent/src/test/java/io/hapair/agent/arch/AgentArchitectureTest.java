package io.hapair.agent.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's architecture rules, enforced: the safety core is pure (no I/O, no threads, no locks,
 * no clock of its own), so the same code runs in production and in the deterministic simulator.
 */
class AgentArchitectureTest {
  /**
   * Sockets, and our servers (witness, NBD, metrics): named, so this rule does not match itself.
   */
  private static final String SOCKETS_AND_SERVERS =
      "java\\.net\\.(ServerSocket|Socket|DatagramSocket)"
          + "|java\\.nio\\.channels\\.(ServerSocketChannel|SocketChannel|DatagramChannel)"
          + "|io\\.hapair\\..*\\.\\w*Server";

  private static final String CORE = "io.hapair.agent.core..";
  private static JavaClasses agent;

  @BeforeAll
  static void importAgent() {
    agent =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hapair.agent");
  }

  @Test
  void theCoreDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.io..",
            "java.nio.channels..",
            "java.nio.file..",
            "java.net..",
            "javax.net..",
            "io.fabric8..",
            "org.slf4j..",
            "io.micrometer..",
            "io.hapair.agent.disk..",
            "io.hapair.agent.nbd..",
            "io.hapair.agent.kube..",
            "io.hapair.agent.standalone..",
            "io.hapair.agent.vip..",
            "io.hapair.agent.volume..",
            "io.hapair.agent.hooks..")
        .because("the core is a pure state machine: drivers do the I/O and feed events back")
        .check(agent);
  }

  @Test
  void theCoreOwnsNoThreadLockOrClock() {
    noClasses()
        .that()
        .resideInAPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(Thread.class.getName())
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .because("time reaches the core only as the `now` of an event, so a seed replays exactly")
        .check(agent);
    noMethods()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage(CORE)
        .should()
        .haveModifier(JavaModifier.SYNCHRONIZED)
        .check(agent);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.hapair.agent.(*)..").should().beFreeOfCycles().check(agent);
  }

  @Test
  void unitTestsOpenNoSocketAndStartNoServer() {
    JavaClasses tests =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("io.hapair.agent");
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Test")
        .should()
        .dependOnClassesThat()
        .haveNameMatching(SOCKETS_AND_SERVERS)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8.kubernetes.client.server.mock..")
        .because(
            "a *Test is a pure unit test; one with sockets, servers or the mock API server is an *IT")
        .allowEmptyShould(true)
        .check(tests);
  }
}
