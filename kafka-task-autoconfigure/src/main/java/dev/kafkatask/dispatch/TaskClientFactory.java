package dev.kafkatask.dispatch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

import dev.kafkatask.task.KafkaTask;

/**
 * Creates typed clients for tasks, so that a call site reads like a method call:
 * <pre class="code">
 * public interface OrderTasks {
 *     &#64;KafkaTask
 *     CompletableFuture&lt;DispatchReceipt&gt; sendReceipt(String orderId, int amountCents);
 * }
 *
 * OrderTasks tasks = clientFactory.create(OrderTasks.class);
 * tasks.sendReceipt("o-1", 1250);   // dispatches task "OrderTasks.sendReceipt"
 * </pre>
 * Every abstract method of the interface must carry {@link KafkaTask}; its task name defaults
 * to {@code InterfaceName.method}, the same name a bean implementing the interface registers.
 * A method returns {@code CompletableFuture<DispatchReceipt>}, or {@code void} to dispatch
 * without waiting (a failure is then logged).
 *
 * @author kafka-task
 */
public class TaskClientFactory {

	private static final Log logger = LogFactory.getLog(TaskClientFactory.class);

	private final TaskDispatcher dispatcher;

	public TaskClientFactory(TaskDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	/**
	 * Create a client for the given interface.
	 * @param <T> the interface type
	 * @param clientInterface the interface
	 * @return a client that dispatches a task for each call
	 * @throws IllegalArgumentException if a method of the interface is not a task method
	 */
	public <T> T create(Class<T> clientInterface) {
		Assert.isTrue(clientInterface.isInterface(), () -> clientInterface.getName() + " must be an interface");
		Map<Method, ClientMethod> methods = new ConcurrentHashMap<>();
		for (Method method : clientInterface.getMethods()) {
			if (Modifier.isAbstract(method.getModifiers())) {
				methods.put(method, clientMethod(clientInterface, method));
			}
		}
		InvocationHandler handler = (proxy, method, args) -> invoke(clientInterface, methods, proxy, method, args);
		return clientInterface.cast(Proxy.newProxyInstance(clientInterface.getClassLoader(),
				new Class<?>[] { clientInterface }, handler));
	}

	private static ClientMethod clientMethod(Class<?> clientInterface, Method method) {
		KafkaTask annotation = AnnotatedElementUtils.findMergedAnnotation(method, KafkaTask.class);
		String description = clientInterface.getName() + "." + method.getName() + "(..)";
		if (annotation == null) {
			throw new IllegalArgumentException("Method " + description + " of task client has no @KafkaTask");
		}
		boolean returnsFuture = method.getReturnType().isAssignableFrom(CompletableFuture.class)
				&& method.getReturnType() != Object.class;
		if (!returnsFuture && method.getReturnType() != void.class) {
			throw new IllegalArgumentException("Method " + description
					+ " of task client must return void or CompletableFuture<DispatchReceipt>");
		}
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: clientInterface.getSimpleName() + "." + method.getName();
		TaskOptions options = StringUtils.hasText(annotation.queue()) ? TaskOptions.none().withQueue(annotation.queue())
				: TaskOptions.none();
		return new ClientMethod(name, options, returnsFuture);
	}

	private @Nullable Object invoke(Class<?> clientInterface, Map<Method, ClientMethod> methods, Object proxy,
			Method method, @Nullable Object @Nullable [] args) throws Throwable {
		ClientMethod target = methods.get(method);
		if (target == null) {
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == ((args != null) ? args[0] : null);
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "Task client for " + clientInterface.getName();
				default -> throw new UnsupportedOperationException(method.toString());
			};
		}
		List<@Nullable Object> arguments = (args != null) ? Arrays.asList(args) : List.of();
		CompletableFuture<DispatchReceipt> receipt = this.dispatcher.dispatch(target.task(), arguments, Map.of(),
				target.options());
		if (target.returnsFuture()) {
			return receipt;
		}
		receipt.whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error("Dispatch of task '" + target.task() + "' failed", failure);
			}
		});
		return null;
	}

	private record ClientMethod(String task, TaskOptions options, boolean returnsFuture) {
	}

}
