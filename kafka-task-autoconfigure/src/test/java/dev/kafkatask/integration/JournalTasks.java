package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.kafkatask.task.KafkaTask;

/**
 * Tasks of the integration tests; they write what they did to a {@link TaskJournal}.
 *
 * @author kafka-task
 */
public class JournalTasks {

	private final TaskJournal journal;

	public JournalTasks(TaskJournal journal) {
		this.journal = journal;
	}

	@KafkaTask(name = "it.echo")
	public void echo(String text, int number, List<String> tags, Map<String, Integer> extra) {
		this.journal.ran("echo:" + text + ":" + number + ":" + tags + ":" + extra);
	}

	@KafkaTask(name = "it.count")
	public void count(int index) {
		this.journal.ran("count:" + index);
	}

	@KafkaTask(name = "it.block")
	public void block(String id) throws InterruptedException {
		this.journal.started("block:" + id);
		if (this.journal.awaitRelease(Duration.ofSeconds(30))) {
			this.journal.ran("block:" + id);
		}
	}

	@KafkaTask(name = "it.fail")
	public void fail(String id) {
		this.journal.ran("fail:" + id);
		throw new IllegalStateException("Task it.fail failed on purpose for " + id);
	}

}
