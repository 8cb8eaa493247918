package dev.kafkatask.execution;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskParameter;

/**
 * Binds the JSON arguments of a task to the parameters of its method, the way Python binds a
 * call: positional arguments in order, then keyword arguments by parameter name. Values are
 * read only as the declared parameter types, never as a type named by the payload.
 *
 * @author kafka-task
 */
public class ArgumentBinder {

	private final JsonMapper mapper;

	/**
	 * Create a binder that reads values with the given mapper.
	 * @param mapper the mapper; default typing must not be active on it
	 */
	public ArgumentBinder(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Bind arguments to the parameters of a task.
	 * @param task the task
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @return the method arguments
	 * @throws ArgumentBindingException if the arguments do not bind, with the reason
	 */
	public Object[] bind(TaskDefinition task, List<JsonNode> args, Map<String, JsonNode> kwargs) {
		List<TaskParameter> parameters = task.parameters();
		if (args.size() > parameters.size()) {
			throw new ArgumentBindingException(task.name() + "() takes " + parameters.size()
					+ " positional argument(s) but " + args.size() + " were given");
		}
		Set<String> unused = new HashSet<>(kwargs.keySet());
		Object[] values = new Object[parameters.size()];
		for (TaskParameter parameter : parameters) {
			JsonNode node;
			if (parameter.index() < args.size()) {
				if (kwargs.containsKey(parameter.name())) {
					throw new ArgumentBindingException(
							task.name() + "() got multiple values for argument '" + parameter.name() + "'");
				}
				node = args.get(parameter.index());
			}
			else if (kwargs.containsKey(parameter.name())) {
				node = kwargs.get(parameter.name());
				unused.remove(parameter.name());
			}
			else if (parameter.optional()) {
				values[parameter.index()] = Optional.empty();
				continue;
			}
			else {
				throw new ArgumentBindingException(
						task.name() + "() missing required argument '" + parameter.name() + "'");
			}
			values[parameter.index()] = read(task, parameter, node);
		}
		if (!unused.isEmpty()) {
			throw new ArgumentBindingException(
					task.name() + "() got unexpected keyword argument(s) " + unused.stream().sorted().toList());
		}
		return values;
	}

	private Object read(TaskDefinition task, TaskParameter parameter, JsonNode node) {
		JavaType type = this.mapper.constructType(parameter.type());
		try {
			return this.mapper.treeToValue(node, type);
		}
		catch (JacksonException ex) {
			throw new ArgumentBindingException(task.name() + "() argument '" + parameter.name() + "' cannot be read as "
					+ type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
		catch (IllegalArgumentException ex) {
			throw new ArgumentBindingException(task.name() + "() argument '" + parameter.name() + "' cannot be read as "
					+ type.toCanonical() + ": " + ex.getMessage(), ex);
		}
	}

}
