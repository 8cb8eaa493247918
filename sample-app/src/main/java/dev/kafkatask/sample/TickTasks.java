package dev.kafkatask.sample;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.kafkatask.schedule.KafkaTaskSchedule;
import dev.kafkatask.schedule.MissedSlots;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;

/**
 * A periodic task, Celery beat's way: {@code demo.tick} every 2 seconds. Start two instances
 * of the sample on one broker and only one fires each slot; stop it and the other takes over.
 * The task id of each run is its schedule and slot ({@code demo.tick@2026-12-02T10:00:02Z}).
 *
 * @author kafka-task
 */
@Component
public class TickTasks {

	private static final Log logger = LogFactory.getLog(TickTasks.class);

	private final AtomicLong ticks = new AtomicLong();

	@KafkaTask(name = "demo.tick", queue = "ticks")
	@KafkaTaskSchedule(fixedRate = "2s", missed = MissedSlots.SKIP)
	public void tick(TaskContext context) {
		long total = this.ticks.incrementAndGet();
		logger.info("Tick " + context.id() + " [" + total + " on this instance]");
	}

	public long ticks() {
		return this.ticks.get();
	}

}
