package dev.kafkatask;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Architecture rules of the library, like Spring Boot's own {@code ArchitectureRules}.
 *
 * @author kafka-task
 */
class ArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.kafkatask");

	@Test
	void libraryPackagesDoNotDependOnAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackage("dev.kafkatask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot.autoconfigure..", "org.springframework.boot..autoconfigure..",
					"dev.kafkatask.autoconfigure..")
			.check(this.classes);
	}

	@Test
	void taskModelDoesNotDependOnTransports() {
		noClasses().that()
			.resideInAnyPackage("dev.kafkatask.task..", "dev.kafkatask.codec..", "dev.kafkatask.dispatch..",
					"dev.kafkatask.execution..", "dev.kafkatask.monitor..", "dev.kafkatask.schedule..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.apache.kafka..", "org.springframework.kafka..", "dev.kafkatask.kafka..",
					"org.springframework.amqp..", "com.rabbitmq..", "dev.kafkatask.celery..", "io.micrometer.core..")
			.check(this.classes);
	}

	/**
	 * Micrometer's meters (micrometer-core) are optional: only the metrics package uses them.
	 * Its Observation API (micrometer-observation, with micrometer-commons) is a dependency of
	 * Spring Framework itself, always there: dispatch and execution are observed with it.
	 */
	@Test
	void onlyTheMetricsPackageUsesMicrometerMeters() {
		noClasses().that()
			.resideOutsideOfPackages("dev.kafkatask.metrics..", "dev.kafkatask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.micrometer.core..")
			.check(this.classes);
	}

}
