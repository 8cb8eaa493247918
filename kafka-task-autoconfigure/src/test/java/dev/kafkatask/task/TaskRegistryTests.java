package dev.kafkatask.task;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link TaskRegistry}.
 *
 * @author kafka-task
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskRegistryTests {

	private final TaskRegistry registry = new TaskRegistry();

	@Test
	void whenATaskWasCompiledWithoutParameterNamesThenAWarningSaysKeywordArgumentsCannotBind(CapturedOutput output)
			throws Exception {
		// JDK classes are compiled without -parameters: their parameters are arg0, arg1...
		Method method = String.class.getMethod("regionMatches", int.class, String.class, int.class, int.class);
		assertThat(this.registry.parameters(method)).extracting(TaskParameter::name).startsWith("arg0");
		assertThat(output).contains("was compiled without -parameters").contains("keyword arguments cannot bind");
	}

	@Test
	void whenNameIsNotGivenThenItIsClassAndMethod() {
		this.registry.registerBean(new OrderTasks(), OrderTasks.class);
		TaskDefinition task = this.registry.find("OrderTasks.sendReceipt");
		assertThat(task).isNotNull();
		assertThat(task.queue()).isNull();
		assertThat(task.parameters()).extracting(TaskParameter::name).containsExactly("orderId", "amountCents", "sentAt");
	}

	@Test
	void whenNameAndQueueAreGivenThenTheyAreUsed() {
		this.registry.registerBean(new OrderTasks(), OrderTasks.class);
		TaskDefinition task = this.registry.find("orders.audit");
		assertThat(task.queue()).isEqualTo("audit");
		assertThat(task.parameters().get(1).optional()).isTrue();
		assertThat(this.registry.queues("default")).containsExactlyInAnyOrder("default", "audit");
	}

	@Test
	void whenAnnotationIsOnAnInterfaceThenNameUsesTheInterface() {
		this.registry.registerBean(new BillingTaskHandlers(), BillingTaskHandlers.class);
		assertThat(this.registry.find("BillingTasks.charge")).isNotNull();
	}

	@Test
	void whenTwoMethodsShareANameThenRegistrationFailsNamingBoth() {
		this.registry.registerBean(new OrderTasks(), OrderTasks.class);
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new DuplicateTasks(), DuplicateTasks.class))
			.withMessageContaining("Task name 'orders.audit'")
			.withMessageContaining(DuplicateTasks.class.getName() + ".audit(..)")
			.withMessageContaining(OrderTasks.class.getName() + ".audit(..)");
	}

	@Test
	void whenParameterIsAStreamThenRegistrationFailsNamingTheMethod() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new StreamTask(), StreamTask.class))
			.withMessage("Parameter 'in' of @KafkaTask method " + StreamTask.class.getName()
					+ ".upload(..) cannot be carried as JSON: java.io.InputStream is not data that JSON can carry");
	}

	@Test
	void whenParameterIsAFunctionThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new SupplierTask(), SupplierTask.class))
			.withMessageContaining("Parameter 'callback'")
			.withMessageContaining(SupplierTask.class.getName() + ".run(..)");
	}

	@Test
	void whenRecordHoldsANonJsonComponentThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new RecordTask(), RecordTask.class))
			.withMessageContaining("record component Holder.stream");
	}

	@Test
	void whenMapKeyIsNotAJsonKeyThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new MapKeyTask(), MapKeyTask.class))
			.withMessageContaining("map key");
	}

	@Test
	void whenMethodIsNotPublicThenRegistrationFails() {
		assertThatExceptionOfType(TaskRegistrationException.class)
			.isThrownBy(() -> this.registry.registerBean(new HiddenTask(), HiddenTask.class))
			.withMessageContaining("must be a public instance method");
	}

	@Test
	void whenBeanHasNoTasksThenNothingIsRegistered() {
		assertThat(this.registry.registerBean("plain", String.class)).isEmpty();
		assertThat(this.registry.all()).isEmpty();
	}

	public static class OrderTasks {

		@KafkaTask
		public void sendReceipt(String orderId, int amountCents, Instant sentAt) {
		}

		@KafkaTask(name = "orders.audit", queue = "audit")
		public void audit(List<Map<String, Long>> lines, Optional<String> note) {
		}

	}

	public static class DuplicateTasks {

		@KafkaTask(name = "orders.audit")
		public void audit() {
		}

	}

	public interface BillingTasks {

		@KafkaTask
		void charge(String account, long cents);

	}

	public static class BillingTaskHandlers implements BillingTasks {

		@Override
		public void charge(String account, long cents) {
		}

	}

	public static class StreamTask {

		@KafkaTask
		public void upload(InputStream in) {
		}

	}

	public static class SupplierTask {

		@KafkaTask
		public void run(Supplier<String> callback) {
		}

	}

	record Holder(String name, InputStream stream) {
	}

	public static class RecordTask {

		@KafkaTask
		public void run(Holder holder) {
		}

	}

	public static class MapKeyTask {

		@KafkaTask
		public void run(Map<List<String>, String> values) {
		}

	}

	public static class HiddenTask {

		@KafkaTask
		void run() {
		}

	}

}
