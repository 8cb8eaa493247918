package dev.kafkatask.task;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The tasks this application can execute, by name. Methods are registered from beans whose
 * methods carry {@link KafkaTask}; a method whose parameters JSON cannot carry, or whose name
 * is already taken, is refused with a {@link TaskRegistrationException} that names it.
 *
 * @author kafka-task
 */
public class TaskRegistry {

	private static final Log logger = LogFactory.getLog(TaskRegistry.class);

	private final Map<String, TaskDefinition> tasks = new ConcurrentHashMap<>();

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	/**
	 * Register every {@link KafkaTask} method of the given bean.
	 * @param bean the bean
	 * @param beanClass the user class of the bean (not a proxy class)
	 * @return the definitions registered, empty when the bean has no task methods
	 */
	public List<TaskDefinition> registerBean(Object bean, Class<?> beanClass) {
		if (!AnnotationUtils.isCandidateClass(beanClass, KafkaTask.class)) {
			return List.of();
		}
		Map<Method, KafkaTask> annotated = MethodIntrospector.selectMethods(beanClass,
				(MethodIntrospector.MetadataLookup<KafkaTask>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, KafkaTask.class));
		if (annotated.isEmpty()) {
			return List.of();
		}
		List<TaskDefinition> registered = new ArrayList<>();
		annotated.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey((a, b) -> a.toGenericString().compareTo(b.toGenericString())))
			.forEach((entry) -> registered.add(register(bean, beanClass, entry.getKey(), entry.getValue())));
		return registered;
	}

	private TaskDefinition register(Object bean, Class<?> beanClass, Method method, KafkaTask annotation) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: defaultName(method, ClassUtils.getUserClass(beanClass));
		String queue = StringUtils.hasText(annotation.queue()) ? annotation.queue() : null;
		if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
			throw new TaskRegistrationException(
					"@KafkaTask method " + TaskDefinition.describe(method) + " must be a public instance method");
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		TaskDefinition definition = new TaskDefinition(name, queue, bean, invocable, parameters(method),
				annotation.threads(), AnnotatedTaskOptions.read(method, annotation),
				StringUtils.hasText(annotation.owner()) ? annotation.owner() : null);
		return add(definition);
	}

	/**
	 * Return the default name of a task method: the simple name of the type that declares the
	 * {@link KafkaTask} annotation (the bean class, or an interface it implements), a dot and
	 * the method name. A typed client of the same interface derives the same name.
	 * @param method the task method
	 * @param beanClass the user class of the bean
	 * @return the default task name
	 */
	public static String defaultName(Method method, Class<?> beanClass) {
		Class<?> declaring = beanClass;
		if (!method.isAnnotationPresent(KafkaTask.class)) {
			for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(beanClass)) {
				Method declared = ClassUtils.getMethodIfAvailable(candidate, method.getName(),
						method.getParameterTypes());
				if (declared != null && declared.isAnnotationPresent(KafkaTask.class)) {
					declaring = candidate;
					break;
				}
			}
		}
		return declaring.getSimpleName() + "." + method.getName();
	}

	/**
	 * Add a task definition.
	 * @param definition the definition
	 * @return the definition
	 * @throws TaskRegistrationException if the name is taken
	 */
	public TaskDefinition add(TaskDefinition definition) {
		TaskDefinition existing = this.tasks.putIfAbsent(definition.name(), definition);
		if (existing != null) {
			throw new TaskRegistrationException("Task name '" + definition.name() + "' of "
					+ definition.methodDescription() + " is already used by " + existing.methodDescription()
					+ ": give one of them another name with @KafkaTask(name = ...)");
		}
		return definition;
	}

	List<TaskParameter> parameters(Method method) {
		Parameter[] parameters = method.getParameters();
		String[] names = this.parameterNames.getParameterNames(method);
		if (names == null && Arrays.stream(parameters).anyMatch((parameter) -> !parameter.isNamePresent())) {
			logger.warn("@KafkaTask method " + TaskDefinition.describe(method) + " was compiled without -parameters:"
					+ " its parameters are known only as arg0, arg1..., so keyword arguments cannot bind by name."
					+ " Compile with -parameters (Spring Boot's Maven parent and Gradle plugin do).");
		}
		List<TaskParameter> result = new ArrayList<>(parameters.length);
		int position = 0;
		boolean keywordOnly = false;
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			String name = (names != null) ? names[i] : parameter.getName();
			TaskParameter.Kind kind = kind(method, parameter, name);
			if (kind != TaskParameter.Kind.CONTEXT) {
				String problem = JsonTypes.problem(parameter.getParameterizedType());
				if (problem != null) {
					throw new TaskRegistrationException("Parameter '" + name + "' of @KafkaTask method "
							+ TaskDefinition.describe(method) + " cannot be carried as JSON: " + problem);
				}
			}
			// As in Python, parameters after *args are keyword-only.
			boolean positional = kind == TaskParameter.Kind.ARGUMENT && !keywordOnly;
			keywordOnly |= kind == TaskParameter.Kind.ARGS;
			result.add(new TaskParameter(i, positional ? position++ : -1, name, parameter.getParameterizedType(),
					parameter.getType() == Optional.class, kind));
		}
		for (TaskParameter.Kind single : List.of(TaskParameter.Kind.ARGS, TaskParameter.Kind.KWARGS)) {
			if (result.stream().filter((parameter) -> parameter.kind() == single).count() > 1) {
				throw new TaskRegistrationException("@KafkaTask method " + TaskDefinition.describe(method)
						+ " has more than one @Task" + ((single == TaskParameter.Kind.ARGS) ? "Args" : "Kwargs")
						+ " parameter");
			}
		}
		return result;
	}

	private static TaskParameter.Kind kind(Method method, Parameter parameter, String name) {
		if (parameter.getType() == TaskContext.class) {
			return TaskParameter.Kind.CONTEXT;
		}
		if (parameter.isAnnotationPresent(TaskArgs.class)) {
			if (parameter.getType() != List.class) {
				throw new TaskRegistrationException("@TaskArgs parameter '" + name + "' of @KafkaTask method "
						+ TaskDefinition.describe(method) + " must be a List");
			}
			return TaskParameter.Kind.ARGS;
		}
		if (parameter.isAnnotationPresent(TaskKwargs.class)) {
			if (parameter.getType() != Map.class) {
				throw new TaskRegistrationException("@TaskKwargs parameter '" + name + "' of @KafkaTask method "
						+ TaskDefinition.describe(method) + " must be a Map<String, ?>");
			}
			return TaskParameter.Kind.KWARGS;
		}
		return TaskParameter.Kind.ARGUMENT;
	}

	/**
	 * Return the task of the given name.
	 * @param name the task name
	 * @return the definition, or {@code null} when no such task is registered here
	 */
	public @Nullable TaskDefinition find(String name) {
		return this.tasks.get(name);
	}

	/**
	 * Return every registered task.
	 * @return the definitions
	 */
	public Collection<TaskDefinition> all() {
		return Collections.unmodifiableCollection(this.tasks.values());
	}

	/**
	 * Return the queues that registered tasks name, with the given default queue for tasks
	 * that name none.
	 * @param defaultQueue the default queue
	 * @return the queues, in no particular order
	 */
	public Set<String> queues(String defaultQueue) {
		Set<String> queues = new LinkedHashSet<>();
		this.tasks.values().forEach((task) -> queues.add((task.queue() != null) ? task.queue() : defaultQueue));
		return queues;
	}

}
