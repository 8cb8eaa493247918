package dev.kafkatask.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * {@code GET /}: what this sample is, its tasks, and what to try next.
 *
 * @author kafka-task
 */
@RestController
class IndexController {

	private final TaskRegistry registry;

	private final Environment environment;

	IndexController(TaskRegistry registry, Environment environment) {
		this.registry = registry;
		this.environment = environment;
	}

	@GetMapping("/")
	Map<String, Object> index() {
		Map<String, Object> index = new LinkedHashMap<>();
		index.put("application", "kafka-task sample");
		index.put("kafka", this.environment.getProperty("spring.kafka.bootstrap-servers", "(in-process broker)"));
		index.put("tasks", this.registry.all()
			.stream()
			.map((task) -> new TaskEntry(task.name(), queue(task)))
			.sorted(java.util.Comparator.comparing(TaskEntry::name))
			.toList());
		index.put("try", List.of("POST /demo/dispatch?count=10 (orders: a receipt and a ledger entry each)",
				"POST /demo/send/demo.echo with {\"args\": [\"hello\"]} (any task by name)",
				"POST /demo/chord?size=10 (a chord: 10 squares side by side, then their total once)",
				"GET /demo/status", "GET /demo/echoes", "GET /demo/chords", "GET /actuator/health", "GET /actuator/kafkatasks",
				"GET /actuator/prometheus"));
		return index;
	}

	private String queue(TaskDefinition task) {
		return (task.queue() != null) ? task.queue()
				: this.environment.getProperty("kafka-task.default-queue", "default");
	}

	record TaskEntry(String name, String queue) {
	}

}
