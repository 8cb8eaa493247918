package dev.kafkatask.task;

import java.lang.reflect.Type;

/**
 * A parameter of a task method.
 *
 * @param index the position of the parameter
 * @param name the parameter name used to bind keyword arguments
 * @param type the generic parameter type
 * @param optional whether the parameter may be left out of a dispatch (it is a
 * {@link java.util.Optional})
 * @author kafka-task
 */
public record TaskParameter(int index, String name, Type type, boolean optional) {

}
