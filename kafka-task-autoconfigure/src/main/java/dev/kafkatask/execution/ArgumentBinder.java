package dev.kafkatask.execution;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.kafkatask.task.TaskContext;
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
	 * @param context the context of the run, for {@link TaskContext} parameters
	 * @return the method arguments
	 * @throws ArgumentBindingException if the arguments do not bind, with the reason
	 */
	public @Nullable Object[] bind(TaskDefinition task, List<JsonNode> args, Map<String, JsonNode> kwargs,
			TaskContext context) {
		List<TaskParameter> parameters = task.parameters();
		TaskParameter restArgs = null;
		TaskParameter restKwargs = null;
		int positional = 0;
		for (TaskParameter parameter : parameters) {
			switch (parameter.kind()) {
				case ARGUMENT -> positional += (parameter.position() >= 0) ? 1 : 0;
				case ARGS -> restArgs = parameter;
				case KWARGS -> restKwargs = parameter;
				case CONTEXT -> {
				}
			}
		}
		if (args.size() > positional && restArgs == null) {
			throw new ArgumentBindingException(task.name() + "() takes " + positional + " positional argument(s) but "
					+ args.size() + " were given");
		}
		Set<String> unused = new LinkedHashSet<>(kwargs.keySet());
		@Nullable Object[] values = new Object[parameters.size()];
		for (TaskParameter parameter : parameters) {
			if (parameter.kind() == TaskParameter.Kind.CONTEXT) {
				values[parameter.index()] = context;
				continue;
			}
			if (parameter.kind() != TaskParameter.Kind.ARGUMENT) {
				continue;
			}
			JsonNode node;
			if (parameter.position() >= 0 && parameter.position() < args.size()) {
				if (kwargs.containsKey(parameter.name())) {
					throw new ArgumentBindingException(
							task.name() + "() got multiple values for argument '" + parameter.name() + "'");
				}
				node = args.get(parameter.position());
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
		if (restArgs != null) {
			ArrayNode rest = JsonNodeFactory.instance.arrayNode();
			args.subList(Math.min(positional, args.size()), args.size()).forEach(rest::add);
			values[restArgs.index()] = read(task, restArgs, rest);
		}
		if (restKwargs != null) {
			ObjectNode rest = JsonNodeFactory.instance.objectNode();
			unused.forEach((name) -> rest.set(name, kwargs.get(name)));
			values[restKwargs.index()] = read(task, restKwargs, rest);
		}
		else if (!unused.isEmpty()) {
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
