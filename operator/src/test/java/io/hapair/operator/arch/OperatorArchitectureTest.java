package io.hapair.operator.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's architecture rules, enforced: status and validation are pure functions of what the
 * reconciler read, so they never talk to the API server themselves.
 */
class OperatorArchitectureTest {
  /**
   * Sockets, and our servers (witness, NBD, metrics): named, so this rule does not match itself.
   */
  private static final String SOCKETS_AND_SERVERS =
      "java\\.net\\.(ServerSocket|Socket|DatagramSocket)"
          + "|java\\.nio\\.channels\\.(ServerSocketChannel|SocketChannel|DatagramChannel)"
          + "|io\\.hapair\\..*\\.\\w*Server";

  private static JavaClasses operator;

  @BeforeAll
  static void importOperator() {
    operator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hapair.operator");
  }

  @Test
  void statusAndValidationNeverCallTheApiServer() {
    noClasses()
        .that()
        .resideInAnyPackage("io.hapair.operator.status..", "io.hapair.operator.validation..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client",
            "io.fabric8.kubernetes.client.dsl..",
            "io.javaoperatorsdk..")
        .because("the reconciler reads and writes; status and validation only compute")
        .check(operator);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.hapair.operator.(*)..").should().beFreeOfCycles().check(operator);
  }

  @Test
  void unitTestsOpenNoSocketAndStartNoServer() {
    JavaClasses tests =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("io.hapair.operator");
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
