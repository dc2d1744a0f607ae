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
}
