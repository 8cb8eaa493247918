package dev.kafkatask.sample;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskArgs;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskKwargs;

/**
 * {@code demo.echo}: takes any positional and keyword arguments, like a Python
 * {@code def echo(*args, **kwargs)}, and remembers its last 100 calls. It lives on queue
 * {@code celery}, which the sample routes to RabbitMQ, so a Python Celery client can call it
 * with {@code send_task('demo.echo', ...)}.
 *
 * @author kafka-task
 */
@Component
public class EchoTasks {

	private static final int KEPT = 100;

	private final Deque<Echo> echoes = new ArrayDeque<>();

	@KafkaTask(name = "demo.echo", queue = "celery")
	public void echo(TaskContext context, @TaskArgs List<Object> args, @TaskKwargs Map<String, Object> kwargs) {
		Echo echo = new Echo(context.id(), context.backend().id(), context.queue(), args, kwargs, Instant.now(),
				context.eta(), context.expires());
		synchronized (this.echoes) {
			this.echoes.addFirst(echo);
			while (this.echoes.size() > KEPT) {
				this.echoes.removeLast();
			}
		}
	}

	/**
	 * Return the last calls, newest first.
	 * @return the calls
	 */
	public List<Echo> echoes() {
		synchronized (this.echoes) {
			return List.copyOf(this.echoes);
		}
	}

	/**
	 * One call of {@code demo.echo}.
	 *
	 * @param taskId the task id
	 * @param backend the backend it arrived from
	 * @param queue the queue
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @param at when it ran
	 * @param eta its eta, if it had one
	 * @param expires its expiry, if it had one
	 */
	public record Echo(String taskId, String backend, String queue, List<Object> args, Map<String, Object> kwargs,
			Instant at, @Nullable Instant eta, @Nullable Instant expires) {
	}

}
