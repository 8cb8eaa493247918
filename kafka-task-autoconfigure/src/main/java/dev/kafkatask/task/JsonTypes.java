package dev.kafkatask.task;

import java.io.Closeable;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.channels.Channel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a Java type can travel as a JSON task argument. Only such types may be
 * parameters of a task, so that a payload can be bound without ever naming a Java class.
 *
 * @author kafka-task
 */
final class JsonTypes {

	private static final Set<Class<?>> VALUE_TYPES = Set.of(String.class, CharSequence.class, Boolean.class,
			Character.class, Number.class, BigDecimal.class, BigInteger.class, UUID.class, URI.class, URL.class,
			Locale.class, Currency.class, Duration.class, Period.class, ZoneId.class, Object.class);

	private static final List<Class<?>> FORBIDDEN = List.of(InputStream.class, OutputStream.class, Reader.class,
			Writer.class, Closeable.class, Channel.class, File.class, Path.class, Thread.class, ThreadGroup.class,
			ClassLoader.class, Class.class, Future.class, Executor.class, BaseStream.class, Runnable.class,
			Iterable.class);

	private JsonTypes() {
	}

	/**
	 * Return why the type cannot travel as JSON, or {@code null} when it can.
	 * @param type the type to check
	 * @return the reason, or {@code null}
	 */
	static @Nullable String problem(Type type) {
		return problem(type, new HashSet<>());
	}

	private static @Nullable String problem(Type type, Set<Type> seen) {
		if (!seen.add(type)) {
			return null;
		}
		if (type instanceof Class<?> type1) {
			return classProblem(type1, seen);
		}
		if (type instanceof ParameterizedType parameterized) {
			Class<?> raw = (Class<?>) parameterized.getRawType();
			Type[] arguments = parameterized.getActualTypeArguments();
			if (Map.class.isAssignableFrom(raw)) {
				String keyProblem = mapKeyProblem(arguments[0]);
				return (keyProblem != null) ? keyProblem : problem(arguments[1], seen);
			}
			if (Collection.class.isAssignableFrom(raw) || raw == Optional.class) {
				return problem(arguments[0], seen);
			}
			String rawProblem = classProblem(raw, seen);
			if (rawProblem != null) {
				return rawProblem;
			}
			for (Type argument : arguments) {
				String argumentProblem = problem(argument, seen);
				if (argumentProblem != null) {
					return argumentProblem;
				}
			}
			return null;
		}
		if (type instanceof GenericArrayType array) {
			return problem(array.getGenericComponentType(), seen);
		}
		if (type instanceof WildcardType wildcard) {
			return problem(wildcard.getUpperBounds()[0], seen);
		}
		if (type instanceof TypeVariable<?> variable) {
			return "type variable " + variable.getName() + " has no concrete type to bind JSON to";
		}
		return "unsupported type " + type.getTypeName();
	}

	private static @Nullable String classProblem(Class<?> type, Set<Type> seen) {
		if (type.isPrimitive()) {
			return (type == void.class) ? "void is not a value" : null;
		}
		for (Class<?> forbidden : FORBIDDEN) {
			if (forbidden.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type)) {
				return type.getName() + " is not data that JSON can carry";
			}
		}
		if (type.isArray()) {
			return problem(type.getComponentType(), seen);
		}
		if (VALUE_TYPES.contains(type) || type.isEnum() || Number.class.isAssignableFrom(type)
				|| Temporal.class.isAssignableFrom(type) || ZoneId.class.isAssignableFrom(type)
				|| java.util.Date.class.isAssignableFrom(type)) {
			return null;
		}
		if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type == Optional.class) {
			return null;
		}
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				String componentProblem = problem(component.getGenericType(), seen);
				if (componentProblem != null) {
					return "record component " + type.getSimpleName() + "." + component.getName() + ": "
							+ componentProblem;
				}
			}
			return null;
		}
		if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
			return type.getName() + " is abstract: JSON names no class to create, and kafka-task never reads one"
					+ " from a payload";
		}
		if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
			return type.getName() + " is not a named class";
		}
		if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
			return type.getName() + " is an inner class and needs an enclosing instance";
		}
		return null;
	}

	private static @Nullable String mapKeyProblem(Type keyType) {
		Type key = (keyType instanceof WildcardType wildcard) ? wildcard.getUpperBounds()[0] : keyType;
		if (key instanceof Class<?> keyClass && (keyClass == String.class || keyClass == Object.class
				|| keyClass == CharSequence.class || keyClass.isEnum() || keyClass == UUID.class
				|| Number.class.isAssignableFrom(keyClass) || keyClass == Boolean.class)) {
			return null;
		}
		return "map key " + key.getTypeName() + " is not a JSON object key";
	}

}
