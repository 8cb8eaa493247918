package dev.kafkatask.canvas;

import java.util.List;

/**
 * A unit of work to dispatch, built the way Celery's canvas is: a {@link Signature} (one
 * task), a {@link Chain} (tasks one after another, each result passed to the next), a
 * {@link Group} (tasks side by side) or a {@link Chord} (a group, then a callback with all
 * of its results). Dispatch one with
 * {@link dev.kafkatask.dispatch.TaskDispatcher#dispatch(Canvas)}.
 * <pre class="code">
 * dispatcher.dispatch(Canvas.chain(Signature.of("add", 2, 2), Signature.of("mul", 4)));
 * dispatcher.dispatch(Canvas.chord(Canvas.group(parts), Signature.of("merge")));
 * </pre>
 * Nothing polls: the rest of a chain travels in the task, and a chord's members are counted
 * in Kafka by the chord joiner of the workers, which fires the callback once.
 *
 * @author kafka-task
 * @see Signature
 */
public sealed interface Canvas permits Signature, Chain, Group, Chord {

	/**
	 * Return a chain of tasks: each runs once the one before it succeeded, with that one's
	 * result as its first argument (unless it is {@link Signature#immutable() immutable}).
	 * Celery's {@code chain(a, b, c)}.
	 * @param tasks the tasks, at least one
	 * @return the chain
	 */
	static Chain chain(Signature... tasks) {
		return new Chain(List.of(tasks), List.of());
	}

	/**
	 * Return a group of tasks that run side by side. Celery's {@code group(a, b, c)}.
	 * @param tasks the tasks
	 * @return the group
	 */
	static Group group(Signature... tasks) {
		return new Group(List.of(tasks));
	}

	/**
	 * Return a group of tasks that run side by side.
	 * @param tasks the tasks
	 * @return the group
	 */
	static Group group(List<Signature> tasks) {
		return new Group(tasks);
	}

	/**
	 * Return a chord: the tasks of the group run side by side, and once the last one
	 * succeeded the callback runs once, with the list of their results in the group's order
	 * as its first argument. If a member fails for good, the callback does not run and its
	 * {@link Signature#linkError(Signature) error links} do. Celery's
	 * {@code chord(header, body)}.
	 * @param header the group
	 * @param callback the callback
	 * @return the chord
	 */
	static Chord chord(Group header, Signature callback) {
		return new Chord(header, callback);
	}

}
