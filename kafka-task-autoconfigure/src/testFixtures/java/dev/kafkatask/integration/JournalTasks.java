package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskArgs;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskKwargs;
import dev.kafkatask.task.TaskThreads;

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

	@KafkaTask(name = "it.context")
	public void context(TaskContext context, @TaskArgs List<Object> args, @TaskKwargs Map<String, Object> kwargs) {
		this.journal.ran("context:" + context.backend() + ":" + context.id() + ":" + args + ":"
				+ new TreeMap<>(kwargs) + ":eta=" + context.eta() + ":expires=" + context.expires());
	}

	@KafkaTask(name = "it.flaky", owner = "reliability", options = { "autoretry_for=java.io.UncheckedIOException",
			"max_retries=3", "retry_backoff=0.2", "retry_jitter=false" })
	public void flaky(String id, int failures, TaskContext context) {
		this.journal.ran("flaky:" + id);
		if (context.retries() < failures) {
			throw new java.io.UncheckedIOException(new java.io.IOException("flaky " + id + " attempt " + context.retries()));
		}
	}

	@KafkaTask(name = "it.retry-explicitly")
	public void retryExplicitly(String id, TaskContext context) {
		this.journal.ran("explicit:" + id);
		if (context.retries() == 0) {
			throw new dev.kafkatask.task.TaskRetry(null, Duration.ofMillis(300));
		}
	}

	@KafkaTask(name = "it.sleepy", options = "soft_time_limit=0.3")
	public void sleepy(String id) {
		try {
			Thread.sleep(30_000);
			this.journal.ran("sleepy:" + id + ":slept");
		}
		catch (InterruptedException ex) {
			this.journal.ran("sleepy:" + id + ":interrupted");
		}
	}

	@KafkaTask(name = "it.stuck", options = "time_limit=0.5")
	public void stuck(String id) {
		this.journal.started("stuck:" + id);
		// Ignores interrupts, like a call stuck in a native frame, until the test releases it.
		while (!this.journal.released()) {
			Thread.interrupted();
			java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
		}
		this.journal.ran("stuck:" + id);
	}

	@KafkaTask(name = "it.soft-retry", options = { "soft_time_limit=0.3", "max_retries=2" })
	public void softRetry(String id, TaskContext context) {
		if (context.retries() == 0) {
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				// Celery's SoftTimeLimitExceeded: clean up and ask to run again, keeping the
				// interrupt as well-behaved code does
				Thread.currentThread().interrupt();
				this.journal.ran("soft-retry:" + id + ":interrupted");
				throw new dev.kafkatask.task.TaskRetry(ex, Duration.ofMillis(200));
			}
		}
		this.journal.ran("soft-retry:" + id + ":" + context.retries());
	}

	@KafkaTask(name = "it.stuck-cpu", threads = TaskThreads.PLATFORM, options = "time_limit=0.3")
	public void stuckCpu(String id) {
		this.journal.started("stuck-cpu:" + id);
		while (!this.journal.released()) {
			Thread.interrupted();
			java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
		}
		this.journal.ran("stuck-cpu:" + id);
	}

	@KafkaTask(name = "it.limited", options = "rate_limit=5/s")
	public void limited(int index) {
		this.journal.ran("limited:" + index);
	}

	@KafkaTask(name = "it.add")
	public Map<String, Integer> add(int a, int b) {
		this.journal.ran("add:" + a + "+" + b);
		return Map.of("sum", a + b);
	}

	@KafkaTask(name = "it.plain-retry", options = { "autoretry_for=java.lang.IllegalStateException", "max_retries=1",
			"default_retry_delay=0.4" })
	public void plainRetry(String id, TaskContext context) {
		this.journal.ran("plain-retry:" + id);
		if (context.retries() == 0) {
			throw new IllegalStateException("first attempt of " + id);
		}
	}

	@KafkaTask(name = "it.jitter", options = { "autoretry_for=java.lang.IllegalStateException", "max_retries=2",
			"retry_backoff=1", "retry_jitter=true" })
	public void jitter(String id, TaskContext context) {
		this.journal.ran("jitter:" + id);
		if (context.retries() < 2) {
			throw new IllegalStateException("attempt " + context.retries() + " of " + id);
		}
	}

	@KafkaTask(name = "it.headers")
	public void headers(TaskContext context) {
		this.journal.ran("headers:" + context.id() + ":" + new TreeMap<>(context.headers()));
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

	@KafkaTask(name = "it.keyed")
	public void keyed(String key, int sequence) throws InterruptedException {
		this.journal.enter(key);
		try {
			Thread.sleep(2);
			this.journal.ran("keyed:" + key + ":" + sequence);
		}
		finally {
			this.journal.leave(key);
		}
	}

	@KafkaTask(name = "it.slow")
	public void slow(int index, long millis) throws InterruptedException {
		Thread.sleep(millis);
		this.journal.ran("slow:" + index);
	}

	@KafkaTask(name = "it.cpu", threads = TaskThreads.PLATFORM)
	public void cpu(int index) {
		Thread thread = Thread.currentThread();
		this.journal.ran("cpu:" + index + ":" + (thread.isVirtual() ? "virtual" : "platform:" + thread.getName()));
	}

	@KafkaTask(name = "it.pin")
	public void pin() {
		BlockingInitialiser.touch();
		this.journal.ran("pin");
	}

	@KafkaTask(name = "it.fail")
	public void fail(String id) {
		this.journal.ran("fail:" + id);
		throw new IllegalStateException("Task it.fail failed on purpose for " + id);
	}

	/**
	 * Blocks in its class initialiser, which pins a virtual thread to its carrier even on
	 * JDK 24 and later.
	 */
	static final class BlockingInitialiser {

		static {
			try {
				Thread.sleep(150);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		static void touch() {
		}

	}

}
