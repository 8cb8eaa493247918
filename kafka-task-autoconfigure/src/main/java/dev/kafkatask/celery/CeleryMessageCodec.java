package dev.kafkatask.celery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.options.TaskOption;

/**
 * Converts between {@link TaskEnvelope task envelopes} and AMQP messages in Celery message
 * protocol version 2 with the JSON serializer, as Celery 5 clients and workers write and
 * read them.
 * <p>
 * A message carries:
 * <ul>
 * <li>properties {@code correlation_id} (the task id), {@code content_type}
 * {@code application/json}, {@code content_encoding} {@code utf-8}, persistent delivery,
 * the envelope's creation time as {@code timestamp}, and {@code priority},
 * {@code reply_to} and {@code expiration} (the time to {@code expires}, at most the ten
 * years RabbitMQ accepts) when set;</li>
 * <li>headers {@code lang}, {@code task}, {@code id}, {@code root_id}, {@code parent_id},
 * {@code group}, {@code group_index}, {@code retries}, {@code eta}, {@code expires},
 * {@code timelimit} ({@code [time_limit, soft_time_limit]}), {@code shadow},
 * {@code argsrepr}, {@code kwargsrepr}, {@code origin} and {@code ignore_result}, unset
 * ones as AMQP void (Python's {@code None}), then the envelope's own headers;</li>
 * <li>the body {@code [args, kwargs, {"callbacks": …, "errbacks": …, "chain": …,
 * "chord": …}]} as UTF-8 JSON.</li>
 * </ul>
 * Envelope options map to the protocol as follows: {@code eta}, {@code expires} (ISO-8601
 * instants), {@code time_limit}, {@code soft_time_limit} (seconds), {@code shadow},
 * {@code root_id}, {@code parent_id}, {@code group}, {@code group_index},
 * {@code ignore_result}, {@code origin}, {@code priority} and {@code reply_to} to the
 * headers and properties above (a priority of 0 is read as none: Spring AMQP reports 0 for
 * a message without one); {@code link}, {@code link_error}, {@code chain} and
 * {@code chord} to the body's {@code callbacks}, {@code errbacks}, {@code chain} and
 * {@code chord}.
 * <p>
 * Reading gives the protocol's headers, when not void, as those options: {@code eta} and
 * {@code expires} (with an offset, {@code Z} or naive, which Celery means as UTC) as
 * {@link Instant#toString()} text, {@code timelimit} as {@code time_limit} and
 * {@code soft_time_limit}; {@code retries} becomes the envelope's retry count and the AMQP
 * {@code timestamp}, or else the clock, its creation time. Any other header becomes an
 * envelope header: a string as it is, another value as JSON text, a void one not at all.
 * Arguments and embedded signatures in kombu 5.3+'s typed JSON ({@code {"__type__":
 * "datetime", "__value__": "…"}}) read as the plain strings kombu 5.2 writes.
 * <p>
 * Only JSON bodies are read: a message in any other content type (pickle, YAML, msgpack)
 * or compressed is rejected before its body is looked at, and the body is parsed as a JSON
 * tree only.
 *
 * @author kafka-task
 * @see <a href="https://docs.celeryq.dev/en/stable/internals/protocol.html">Celery
 * message protocol</a>
 */
public final class CeleryMessageCodec {

	/**
	 * Whether a header is RabbitMQ's about one delivery rather than the task's: the
	 * {@code x-death} history of a dead-lettered message, or the sender-selected {@code CC}
	 * and {@code BCC} routing keys, which route a copy of a message to every queue they name.
	 * Such a header must not travel on with a task that is published again.
	 * @param name the header name
	 * @return whether it is one
	 */
	public static boolean isBrokerHeader(String name) {
		return CeleryHeaders.isBrokerHeader(name);
	}

	/**
	 * The content type of the messages this codec writes and reads.
	 */
	public static final String CONTENT_TYPE = "application/json";

	/**
	 * The content encoding of the messages this codec writes and reads.
	 */
	public static final String CONTENT_ENCODING = "utf-8";

	/**
	 * The longest per-message TTL RabbitMQ accepts, ten years; a longer {@code expiration}
	 * fails the publish with {@code PRECONDITION_FAILED}.
	 */
	private static final long MAX_EXPIRATION_MILLIS = Duration.ofDays(3650).toMillis();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final String ETA = "eta";

	private static final String EXPIRES = "expires";

	private static final String TIME_LIMIT = "time_limit";

	private static final String SOFT_TIME_LIMIT = "soft_time_limit";

	private static final String PRIORITY = "priority";

	private static final String REPLY_TO = "reply_to";

	private static final String ROOT_ID = "root_id";

	private static final String ORIGIN = "origin";

	private static final String IGNORE_RESULT = "ignore_result";

	private static final String TIMELIMIT_HEADER = "timelimit";

	private static final String COMPRESSION_HEADER = "compression";

	/**
	 * Headers whose envelope option has the same name and whose value is passed as it is.
	 */
	private static final List<String> PLAIN_OPTION_HEADERS = List.of("shadow", "group", "group_index",
			"parent_id", ROOT_ID, ORIGIN, IGNORE_RESULT);

	/**
	 * Headers of the protocol: an envelope header of one of these names is never written,
	 * and on reading they never become envelope headers. {@code compression} is kombu's.
	 */
	private static final Set<String> PROTOCOL_HEADERS = Set.of("lang", "task", "id", "shadow", ETA, EXPIRES,
			"group", "group_index", "retries", TIMELIMIT_HEADER, ROOT_ID, "parent_id", "argsrepr", "kwargsrepr",
			ORIGIN, IGNORE_RESULT, COMPRESSION_HEADER);

	/**
	 * Body embed members by the envelope option they come from.
	 */
	private static final Map<String, String> EMBED_OPTIONS = CeleryHeaders.orderedMap("link", "callbacks", "link_error",
			"errbacks", "chain", "chain", "chord", "chord");

	private final String origin;

	private final Clock clock;

	private final JsonMapper mapper;

	/**
	 * Create a codec.
	 * @param origin the {@code origin} header of the messages it writes, the sender's node
	 * name, such as {@link #localOrigin()}
	 * @param clock the clock for the creation time of messages without an AMQP
	 * {@code timestamp}, and for the {@code expiration} of messages that expire
	 */
	public CeleryMessageCodec(String origin, Clock clock) {
		this.origin = origin;
		this.clock = clock;
		// Python's json writes NaN and Infinity for such floats: accept them.
		this.mapper = JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
			.build();
	}

	/**
	 * Return this process's node name as Celery writes it for clients:
	 * {@code gen<pid>@<hostname>}.
	 * @return the node name
	 */
	public static String localOrigin() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return "gen" + ProcessHandle.current().pid() + "@" + host;
	}

	/**
	 * Write an envelope as a Celery task message.
	 * @param envelope the envelope
	 * @return the AMQP message
	 * @throws IllegalArgumentException if an option has a value the protocol cannot carry,
	 * such as an {@code eta} that is not an ISO-8601 instant
	 */
	public Message encode(TaskEnvelope envelope) {
		Map<String, JsonNode> options = envelope.options();
		MessageProperties properties = new MessageProperties();
		properties.setCorrelationId(envelope.id());
		properties.setContentType(CONTENT_TYPE);
		properties.setContentEncoding(CONTENT_ENCODING);
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setPriority(CeleryHeaders.priority(options.get(PRIORITY)));
		properties.setTimestamp(Date.from(envelope.created()));
		JsonNode replyTo = options.get(REPLY_TO);
		if (replyTo != null && replyTo.isString() && !replyTo.stringValue().isEmpty()) {
			properties.setReplyTo(replyTo.stringValue());
		}
		Instant eta = CeleryHeaders.instantOption(options, ETA);
		Instant expires = CeleryHeaders.instantOption(options, EXPIRES);
		String etaHeader = CeleryHeaders.pythonDateTime(ETA, eta);
		String expiresHeader = CeleryHeaders.pythonDateTime(EXPIRES, expires);
		if (expires != null) {
			// Like Celery: the broker drops the message once it has expired. Unlike Celery,
			// whose publish fails then, at most the longest per-message TTL RabbitMQ takes.
			long ttl = Math.clamp(Duration.between(this.clock.instant(), expires).toMillis(), 0, MAX_EXPIRATION_MILLIS);
			properties.setExpiration(Long.toString(ttl));
		}
		Map<String, @Nullable Object> headers = new LinkedHashMap<>();
		headers.put("lang", "py");
		headers.put("task", envelope.task());
		headers.put("id", envelope.id());
		headers.put(ETA, etaHeader);
		headers.put(EXPIRES, expiresHeader);
		headers.put("retries", envelope.retries());
		headers.put(TIMELIMIT_HEADER,
				Arrays.asList(CeleryHeaders.seconds(options, TIME_LIMIT), CeleryHeaders.seconds(options, SOFT_TIME_LIMIT)));
		for (String name : PLAIN_OPTION_HEADERS) {
			JsonNode value = options.get(name);
			headers.put(name, (value != null) ? AmqpHeaderValues.fromJson(value) : null);
		}
		headers.putIfAbsent(ROOT_ID, envelope.id());
		headers.putIfAbsent(ORIGIN, this.origin);
		headers.putIfAbsent(IGNORE_RESULT, false);
		headers.put("argsrepr", SafeRepr.args(envelope.args()));
		headers.put("kwargsrepr", SafeRepr.kwargs(envelope.kwargs()));
		envelope.headers().forEach((name, value) -> {
			if (!PROTOCOL_HEADERS.contains(name)) {
				headers.put(name, value);
			}
		});
		headers.forEach(properties::setHeader);
		return new Message(this.mapper.writeValueAsBytes(body(envelope)), properties);
	}

	private ArrayNode body(TaskEnvelope envelope) {
		ArrayNode body = NODES.arrayNode(3);
		ArrayNode args = body.addArray();
		envelope.args().forEach(args::add);
		ObjectNode kwargs = body.addObject();
		envelope.kwargs().forEach(kwargs::set);
		ObjectNode embed = body.addObject();
		EMBED_OPTIONS.forEach((option, member) -> {
			JsonNode value = envelope.options().get(option);
			if (value != null && value.isObject() && option.startsWith("link")) {
				// Celery sends a single link as a list of one (maybe_list).
				value = NODES.arrayNode(1).add(value);
			}
			embed.set(member, (value != null) ? value : NODES.nullNode());
		});
		return body;
	}

	/**
	 * Read a Celery task message.
	 * @param message the AMQP message
	 * @return the envelope
	 * @throws InvalidCeleryMessageException if the message is not a Celery protocol 2 JSON
	 * task message, with the reason
	 */
	public TaskEnvelope decode(Message message) {
		MessageProperties properties = message.getMessageProperties();
		CeleryHeaders.checkContentType(properties.getContentType());
		CeleryHeaders.checkContentEncoding(properties.getContentEncoding());
		Map<String, JsonNode> headers = new LinkedHashMap<>();
		properties.getHeaders().forEach((name, value) -> headers.put(name, AmqpHeaderValues.toJson(value)));
		JsonNode compression = headers.get(COMPRESSION_HEADER);
		if (compression != null && !compression.isNull()) {
			throw new InvalidCeleryMessageException("Message is compressed (" + compression.asString()
					+ "), which is not supported; send it without compression");
		}
		JsonNode body = parseBody(message.getBody());
		if (CeleryHeaders.isMissing(headers.get("task")) && body.isObject() && body.has("task")) {
			throw new InvalidCeleryMessageException(
					"Celery message protocol 1 is not supported; set task_protocol = 2");
		}
		String task = CeleryHeaders.requiredText(headers, "task");
		String id = CeleryHeaders.requiredText(headers, "id");
		if (!body.isArray() || body.size() != 3) {
			throw new InvalidCeleryMessageException(
					"Body must be a JSON array of 3 elements [args, kwargs, embed], not " + CeleryHeaders.describe(body));
		}
		JsonNode args = KombuJson.unwrap(body.get(0));
		JsonNode kwargs = KombuJson.unwrap(body.get(1));
		JsonNode embed = KombuJson.unwrap(body.get(2));
		if (!args.isArray()) {
			throw new InvalidCeleryMessageException(
					"Body element 1 (args) must be a JSON array, not " + CeleryHeaders.describe(args));
		}
		if (!kwargs.isObject()) {
			throw new InvalidCeleryMessageException(
					"Body element 2 (kwargs) must be a JSON object, not " + CeleryHeaders.describe(kwargs));
		}
		if (!embed.isObject() && !embed.isNull()) {
			throw new InvalidCeleryMessageException(
					"Body element 3 (embed) must be a JSON object or null, not " + CeleryHeaders.describe(embed));
		}
		Map<String, JsonNode> options = new HashMap<>();
		readOptions(headers, options);
		// Spring AMQP reports 0 for a message without a priority, and 0 is what Celery sends
		// when none is set: only a higher priority is one that was asked for.
		Integer priority = properties.getPriority();
		if (priority != null && priority > 0) {
			options.put(PRIORITY, NODES.numberNode(priority));
		}
		if (properties.getReplyTo() != null && !properties.getReplyTo().isEmpty()) {
			options.put(REPLY_TO, NODES.stringNode(properties.getReplyTo()));
		}
		EMBED_OPTIONS.forEach((option, member) -> {
			JsonNode value = embed.get(member);
			if (!CeleryHeaders.isMissing(value)) {
				options.put(option, value);
			}
		});
		try {
			TaskOption.validateAll(options);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidCeleryMessageException(ex.getMessage(), ex);
		}
		Map<String, String> extraHeaders = new HashMap<>();
		headers.forEach((name, value) -> {
			if (!PROTOCOL_HEADERS.contains(name) && !value.isNull() && !CeleryHeaders.isBrokerHeader(name)) {
				extraHeaders.put(name, value.isString() ? value.stringValue() : this.mapper.writeValueAsString(value));
			}
		});
		Date timestamp = properties.getTimestamp();
		Instant created = (timestamp != null) ? timestamp.toInstant() : this.clock.instant();
		Map<String, JsonNode> kwargsMap = new HashMap<>();
		kwargs.forEachEntry(kwargsMap::put);
		return new TaskEnvelope(id, task, List.copyOf(args.values()), kwargsMap, options, extraHeaders, created,
				CeleryHeaders.retries(headers.get("retries")));
	}

	private void readOptions(Map<String, JsonNode> headers, Map<String, JsonNode> options) {
		for (String name : List.of(ETA, EXPIRES)) {
			JsonNode value = headers.get(name);
			if (!CeleryHeaders.isMissing(value)) {
				options.put(name, NODES.stringNode(CeleryHeaders.instantHeader(name, value).toString()));
			}
		}
		JsonNode timelimit = headers.get(TIMELIMIT_HEADER);
		if (!CeleryHeaders.isMissing(timelimit)) {
			if (!timelimit.isArray() || timelimit.size() != 2 || !CeleryHeaders.isSecondsOrNull(timelimit.get(0))
					|| !CeleryHeaders.isSecondsOrNull(timelimit.get(1))) {
				throw new InvalidCeleryMessageException(
						"Header 'timelimit' must be [time_limit, soft_time_limit], each a number or null, not "
								+ timelimit);
			}
			if (!timelimit.get(0).isNull()) {
				options.put(TIME_LIMIT, timelimit.get(0));
			}
			if (!timelimit.get(1).isNull()) {
				options.put(SOFT_TIME_LIMIT, timelimit.get(1));
			}
		}
		for (String name : PLAIN_OPTION_HEADERS) {
			JsonNode value = headers.get(name);
			if (!CeleryHeaders.isMissing(value)) {
				options.put(name, value);
			}
		}
	}

	private JsonNode parseBody(byte[] body) {
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidCeleryMessageException("Body is not JSON: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || root.isMissingNode()) {
			throw new InvalidCeleryMessageException("Body is not JSON: it is empty");
		}
		return root;
	}

}
