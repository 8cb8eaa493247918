package dev.kafkatask.task;

import java.lang.reflect.Type;

/**
 * A parameter of a task method.
 *
 * @param index the position of the parameter in the method
 * @param position the position of the positional argument it takes, among the parameters of
 * kind {@link Kind#ARGUMENT}; {@code -1} for other kinds and for keyword-only parameters
 * (those after a {@link TaskArgs} parameter, as after Python's {@code *args})
 * @param name the parameter name used to bind keyword arguments
 * @param type the generic parameter type
 * @param optional whether the parameter may be left out of a dispatch (it is a
 * {@link java.util.Optional})
 * @param kind how the parameter is bound
 * @author kafka-task
 */
public record TaskParameter(int index, int position, String name, Type type, boolean optional, Kind kind) {

	/**
	 * How a parameter is bound.
	 */
	public enum Kind {

		/**
		 * One argument, by position or by name.
		 */
		ARGUMENT,

		/**
		 * The positional arguments left over ({@link TaskArgs}).
		 */
		ARGS,

		/**
		 * The keyword arguments left over ({@link TaskKwargs}).
		 */
		KWARGS,

		/**
		 * The {@link TaskContext} of the run.
		 */
		CONTEXT

	}

}
