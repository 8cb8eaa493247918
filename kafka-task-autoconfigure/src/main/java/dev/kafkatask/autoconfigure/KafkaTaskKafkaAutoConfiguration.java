package dev.kafkatask.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.Assert;

import dev.kafkatask.canvas.ChordMembers;
import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.dispatch.ResultBackend;
import dev.kafkatask.dispatch.UniquenessGuard;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.execution.RevokedTasks;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.kafka.ClusterTopics;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.FinishedTaskLog;
import dev.kafkatask.kafka.GroupProtocols;
import dev.kafkatask.kafka.KafkaClusters;
import dev.kafkatask.kafka.KafkaTaskProducer;
import dev.kafkatask.kafka.KafkaTaskTransport;
import dev.kafkatask.kafka.ResultPublisher;
import dev.kafkatask.kafka.RevokeLog;
import dev.kafkatask.kafka.TaskEventLog;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.TopicProvisioner;
import dev.kafkatask.kafka.UniqueClaims;
import dev.kafkatask.kafka.chord.ChordCallbacks;
import dev.kafkatask.kafka.chord.ChordJoiner;
import dev.kafkatask.kafka.chord.ChordTopics;
import dev.kafkatask.kafka.chord.KafkaChordMembers;
import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetters;
import dev.kafkatask.kafka.deadletter.RedriveLedger;
import dev.kafkatask.kafka.worker.ClusterWorkers;
import dev.kafkatask.kafka.worker.DeadLetterPublisher;
import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.kafka.DelayRoutes;
import dev.kafkatask.kafka.worker.DelayTargets;
import dev.kafkatask.kafka.worker.KafkaTaskConsumers;
import dev.kafkatask.kafka.worker.OrderingMode;
import dev.kafkatask.kafka.worker.ShareConsumption;
import dev.kafkatask.kafka.worker.ReplyListener;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskRecordHandler;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskRevoker;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;
import dev.kafkatask.task.TaskThreads;

/**
 * Auto-configuration of kafka-task's Kafka leg: the transport that publishes tasks to one
 * topic per queue, the topics themselves, and the worker that runs them. Client
 * settings come from Spring Boot's {@code spring.kafka.*} through its producer and consumer
 * factories.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class })
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean(TaskRegistry.class)
public final class KafkaTaskKafkaAutoConfiguration {

	private static final Duration CLUSTER_TOPICS_RETRY = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	TaskTopics taskTopics(KafkaTaskProperties properties) {
		return new TaskTopics(properties.getKafka().getTopicPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaTaskProducer kafkaTaskProducer(ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
		ProducerFactory<?, ?> base = producerFactory.getIfAvailable();
		// Boot's customizers (client meters among them) and the application's reach this
		// producer too.
		return new KafkaTaskProducer((base != null) ? base.getConfigurationProperties() : Map.of(),
				(factory) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(factory)));
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaClusters kafkaTaskClusters(KafkaTaskProperties properties,
			ObjectProvider<ProducerFactory<?, ?>> producerFactory, ObjectProvider<KafkaAdmin> kafkaAdmin,
			ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
		KafkaClusterNames.of(properties.getKafka());
		ProducerFactory<?, ?> base = producerFactory.getIfAvailable();
		Map<String, Object> producerConfig = (base != null) ? base.getConfigurationProperties() : Map.of();
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		Map<String, Object> adminConfig = (admin != null) ? admin.getConfigurationProperties() : producerConfig;
		List<KafkaClusters.Cluster> clusters = new ArrayList<>();
		properties.getKafka().getClusters().forEach((name, cluster) -> {
			Map<String, Object> config = cluster.buildProperties(producerConfig);
			if (!cluster.getProperties().containsKey(ProducerConfig.CLIENT_ID_CONFIG)) {
				// one client id per producer: their meters and MBeans are told apart by it
				config.put(ProducerConfig.CLIENT_ID_CONFIG,
						producerConfig.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "kafka-task-producer") + "-" + name);
			}
			KafkaTaskProducer producer = new KafkaTaskProducer(config,
					(factory) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(factory)));
			clusters.add(new KafkaClusters.Cluster(name, producer, cluster.buildProperties(adminConfig)));
		});
		return new KafkaClusters(clusters);
	}

	@Bean
	@ConditionalOnMissingBean
	DelayTiers taskDelayTiers(KafkaTaskProperties properties) {
		return new DelayTiers(properties.getKafka().getTopicPrefix(), properties.getKafka().getDelayTiers());
	}

	@Bean
	@ConditionalOnMissingBean
	DelayedTaskPublisher delayedTaskPublisher(KafkaTaskProducer producer, DelayTiers tiers) {
		return new DelayedTaskPublisher(producer.getTemplate(), tiers, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ResultPublisher taskResultPublisher(KafkaTaskProducer producer, ObjectProvider<JsonMapper> jsonMapper) {
		return new ResultPublisher(producer.getTemplate(), jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean(ResultBackend.class)
	ReplyListener taskReplyListener(ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			KafkaTaskProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<TaskObserver> observers, KafkaClusters clusters,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = groupless(consumerFactory);
		ReplyListener listener = new ReplyListener(taskConsumerFactory(config, consumerCustomizers),
				replyTopic(properties), jsonMapper.getIfAvailable(JsonMapper::new),
				TaskObserver.composite(observers.orderedStream().toList()));
		// A worker replies on the cluster it consumed the task from.
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			listener.addCluster(cluster.name(),
					taskConsumerFactory(clusterConsumerConfig(properties, cluster, config), consumerCustomizers));
		}
		return listener;
	}

	@Bean
	@ConditionalOnMissingBean(UniquenessGuard.class)
	UniqueClaims kafkaTaskUniqueClaims(KafkaTaskProducer producer, ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			KafkaTaskProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<TaskObserver> observers,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = groupless(consumerFactory);
		KafkaTaskProperties.Dispatch dispatch = properties.getDispatch();
		return new UniqueClaims(producer.getTemplate(), taskConsumerFactory(config, consumerCustomizers),
				uniqueTopic(properties), dispatch.getUniqueMaxWindow(), dispatch.getUniqueDecisionTimeout(),
				jsonMapper.getIfAvailable(JsonMapper::new), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(TaskEvents.class)
	@ConditionalOnBooleanProperty(name = "kafka-task.events.enabled", matchIfMissing = true)
	TaskEventLog kafkaTaskEvents(KafkaTaskProducer producer, KafkaClusters clusters,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, KafkaTaskProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<TaskObserver> observers,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = groupless(consumerFactory);
		KafkaTaskProperties.Events events = properties.getEvents();
		TaskEventLog log = new TaskEventLog(producer.getTemplate(), taskConsumerFactory(config, consumerCustomizers),
				eventsTopic(properties), events.getReadBack(), events.getMaxTasks(),
				jsonMapper.getIfAvailable(JsonMapper::new), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
		// Events live on the cluster of the task's queue: each cluster's topic is written and read.
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			Map<String, Object> clusterConfig = clusterConsumerConfig(properties, cluster, config);
			// Its topic is created, compacted, with the cluster's first queue: not by a read before.
			clusterConfig.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
			log.addCluster(cluster.name(), cluster.producer().getTemplate(),
					taskConsumerFactory(clusterConfig, consumerCustomizers));
		}
		return log;
	}

	@Bean
	@ConditionalOnMissingBean(FinishedTasks.class)
	FinishedTaskLog kafkaTaskFinishedTasks(KafkaTaskProducer producer,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, KafkaTaskProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<TaskObserver> observers,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = groupless(consumerFactory);
		return new FinishedTaskLog(producer.getTemplate(), taskConsumerFactory(config, consumerCustomizers),
				finishedTopic(properties), properties.getWorker().getFinishedTaskRetention(),
				jsonMapper.getIfAvailable(JsonMapper::new), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(TaskRevoker.class)
	RevokeLog kafkaTaskRevocations(KafkaTaskProducer producer, ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			KafkaTaskProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<TaskObserver> observers,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = groupless(consumerFactory);
		return new RevokeLog(producer.getTemplate(), taskConsumerFactory(config, consumerCustomizers),
				revokedTopic(properties), properties.getRevoke().getRetention(), TaskLifecycle.localName(),
				jsonMapper.getIfAvailable(JsonMapper::new), TaskObserver.composite(observers.orderedStream().toList()),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ChordMembers kafkaTaskChordMembers(KafkaTaskProducer producer, KafkaTaskProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new KafkaChordMembers(producer.getTemplate(), chordTopics(properties).members(),
				jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaTaskTransport kafkaTaskTransport(KafkaTaskProducer producer, TaskTopics topics, EnvelopeCodec codec,
			DelayedTaskPublisher delays, KafkaTaskProperties properties, KafkaClusters clusters) {
		KafkaTaskTransport transport = new KafkaTaskTransport(producer.getTemplate(), topics, codec, delays);
		transport.setHighPriority(properties.getKafka().getHighPriority());
		transport.setPriorityQueues(properties.getKafka().getPriorityQueues());
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			KafkaTemplate<String, byte[]> template = cluster.producer().getTemplate();
			transport.addCluster(cluster.name(), template,
					new DelayedTaskPublisher(template, delays.tiers(), Clock.systemUTC()));
		}
		return transport;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KafkaAdmin.class)
	TopicProvisioner taskTopicProvisioner(KafkaAdmin admin, TaskTopics topics, KafkaTaskProperties properties) {
		KafkaTaskProperties.Kafka kafka = properties.getKafka();
		return new TopicProvisioner(admin, topics, Optional.ofNullable(kafka.getPartitions()),
				Optional.ofNullable(kafka.getReplicationFactor()));
	}

	@Bean
	@ConditionalOnBean(TopicProvisioner.class)
	@ConditionalOnBooleanProperty(name = "kafka-task.kafka.create-topics", matchIfMissing = true)
	SmartInitializingSingleton taskTopicsInitializer(TopicProvisioner provisioner, TaskRegistry registry,
			KafkaTaskProperties properties, DelayTiers tiers, TaskTopics topics) {
		return () -> {
			List<String> others = new ArrayList<>(tiers.topics());
			others.add(tiers.deadLetterTopic());
			others.add(replyTopic(properties));
			others.add(uniqueTopic(properties));
			for (String queue : properties.getKafka().getPriorityQueues()) {
				others.add(topics.highPriorityTopic(queue));
				others.add(topics.deadLetterTopic(topics.highPriorityTopic(queue)));
			}
			provisioner.provision(provisionedQueues(properties, registry), others);
			ChordTopics chords = chordTopics(properties);
			provisioner.provisionTopics(Map.of(chords.members(), Map.of(), chords.done(),
					compactedFor(properties.getCanvas().getChordDoneRetention()), finishedTopic(properties),
					compactedFor(properties.getWorker().getFinishedTaskRetention()), revokedTopic(properties),
					compactedFor(properties.getRevoke().getRetention())));
			if (properties.getEvents().isEnabled()) {
				provisioner.provisionTopics(Map.of(eventsTopic(properties), eventsTopicConfig(properties)));
			}
			provisioner.provisionTopics(Map.of(redrivenTopic(properties),
					Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
		};
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "kafka-task.worker.enabled", matchIfMissing = true)
	TaskWorkerConfigurer kafkaTaskWorkerConfigurer(KafkaTaskProperties properties, Environment environment,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<KafkaAdmin> kafkaAdmin,
			KafkaTaskProducer producer, TaskTopics topics, EnvelopeCodec codec, TaskRegistry registry,
			DeliveryHandler deliveries, ObjectProvider<TaskObserver> observers, DelayedTaskPublisher delays,
			ObjectProvider<ResultPublisher> results,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskWorkerCustomizer> workerCustomizers) {
		KafkaTaskProperties.Worker worker = properties.getWorker();
		String groupId = (worker.getGroupId() != null) ? worker.getGroupId()
				: environment.getProperty("spring.application.name", "kafka-task");
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		Map<String, Object> consumerConfig = new HashMap<>((base != null) ? base.getConfigurationProperties() : Map.of());
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		Map<String, Object> adminConfig = (admin != null) ? admin.getConfigurationProperties() : consumerConfig;
		WorkerParts parts = new WorkerParts(properties, groupId, topics, codec, registry, deliveries,
				TaskObserver.composite(observers.orderedStream().toList()), results.getIfAvailable(),
				consumerCustomizers, workerCustomizers.orderedStream().toList());
		return workerConfigurer(parts, Route.DEFAULT_CLUSTER, consumerConfig, adminConfig, producer.getTemplate(),
				delays, parts.results());
	}

	/**
	 * Return the configurer of a worker of one Kafka cluster, from that cluster's consumer
	 * and admin configuration: the dead letters and retries of its records are written on
	 * the same cluster, through the given template and delay publisher, and so are the
	 * results of its tasks, through the given publisher; the events of its tasks belong to it.
	 */
	private static TaskWorkerConfigurer workerConfigurer(WorkerParts parts, String cluster,
			Map<String, Object> consumerConfig, Map<String, Object> adminConfig, KafkaTemplate<String, byte[]> template,
			DelayedTaskPublisher delays, @Nullable ResultPublisher results) {
		KafkaTaskProperties properties = parts.properties();
		TaskTopics topics = parts.topics();
		TaskRegistry registry = parts.registry();
		KafkaTaskProperties.Worker worker = properties.getWorker();
		Map<String, OrderingMode> ordering = new HashMap<>();
		worker.getOrdering().forEach((queue, mode) -> {
			ordering.put(topics.topic(queue), mode);
			ordering.put(topics.highPriorityTopic(queue), mode);
		});
		TaskRecordHandler handler = new TaskRecordHandler(parts.codec(), parts.deliveries(),
				new DeadLetterPublisher(template, topics), topics, delays);
		handler.setCluster(cluster);
		List<String> replyTopics = new ArrayList<>(properties.getKafka().getReplyTopics());
		replyTopics.add(replyTopic(properties));
		// Results go back on the cluster the task was consumed from, where its dispatcher reads.
		handler.setResultPublisher(results, replyTopics);
		boolean priorityQueues = !properties.getKafka().getPriorityQueues().isEmpty();
		// The group protocol is asked of the brokers when the worker starts, not now.
		Supplier<ConsumerFactory<String, byte[]>> workerConsumerFactory = () -> {
			Map<String, Object> config = new HashMap<>(consumerConfig);
			GroupProtocol protocol = GroupProtocols.resolve(worker.getGroupProtocol(), adminConfig,
					Duration.ofSeconds(10));
			GroupProtocols.apply(config, protocol);
			if (worker.getGroupInstanceId() != null) {
				config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, worker.getGroupInstanceId());
			}
			if (protocol == GroupProtocol.CONSUMER && priorityQueues) {
				// Balance each topic on its own, so that no worker gets only high-priority partitions.
				config.putIfAbsent(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
			}
			return taskConsumerFactory(config, parts.consumerCustomizers());
		};
		Supplier<List<String>> workerTopics = () -> workerQueues(properties, registry).stream()
			.flatMap((queue) -> properties.getKafka().getPriorityQueues().contains(queue)
					? Stream.of(topics.topic(queue), topics.highPriorityTopic(queue)) : Stream.of(topics.topic(queue)))
			.toList();
		Predicate<String> runsOnPlatformThreads = (task) -> {
			TaskDefinition definition = registry.find(task);
			return definition != null && definition.threads() == TaskThreads.PLATFORM;
		};
		ShareConsumption share = ShareConsumers.of(worker, parts.groupId(), topics, consumerConfig, adminConfig);
		if (share != null) {
			handler.setMaxDeliveries(share.settings().maxDeliveries());
		}
		return new TaskWorkerConfigurer(TaskWorkerConfigurer.settings(parts.groupId(), worker, ordering),
				workerConsumerFactory, workerTopics, handler, parts.observer(), worker, runsOnPlatformThreads, share,
				parts.workerCustomizers());
	}

	/**
	 * What the workers of every cluster share.
	 */
	private record WorkerParts(KafkaTaskProperties properties, String groupId, TaskTopics topics, EnvelopeCodec codec,
			TaskRegistry registry, DeliveryHandler deliveries, TaskObserver observer, @Nullable ResultPublisher results,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			List<TaskWorkerCustomizer> workerCustomizers) {
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorkerConfigurer.class)
	TaskWorker kafkaTaskWorker(TaskWorkerConfigurer configurer) {
		TaskWorker worker = new TaskWorker(configurer.settings(), configurer.consumerFactory(), configurer.topics(),
				configurer.recordHandler(), configurer.observer());
		configurer.configure(worker);
		return worker;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorker.class)
	DelayForwarder taskDelayForwarder(TaskWorker worker,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, DelayedTaskPublisher publisher,
			KafkaTaskProducer producer, TaskTopics topics, KafkaTaskProperties properties, TaskRegistry registry,
			ObjectProvider<TaskRouter> router, ObjectProvider<TaskObserver> observers,
			ObjectProvider<RevokedTasks> revoked, TaskLifecycle lifecycle, KafkaClusters clusters,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		DelayForwarder forwarder = delayForwarder((base != null) ? base.getConfigurationProperties() : Map.of(),
				worker, publisher, producer.getTemplate(), topics, properties, registry, router, observers, revoked,
				lifecycle, consumerCustomizers);
		TaskRouter rules = router.getIfAvailable();
		if (rules != null) {
			forwarder.setRoutes(new DelayRoutes(Route.DEFAULT_CLUSTER, rules, delayPublishers(publisher, clusters)));
		}
		// It moves delayed tasks to the worker's queues: it starts when the worker does.
		forwarder.setAutoStartup(worker.isAutoStartup());
		return forwarder;
	}

	/**
	 * Return the publisher of delayed records of each Kafka cluster: the default one's, and
	 * one per named cluster over its producer.
	 */
	private static Map<String, DelayedTaskPublisher> delayPublishers(DelayedTaskPublisher defaultPublisher,
			KafkaClusters clusters) {
		Map<String, DelayedTaskPublisher> publishers = new HashMap<>();
		publishers.put(Route.DEFAULT_CLUSTER, defaultPublisher);
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			publishers.put(cluster.name(), new DelayedTaskPublisher(cluster.producer().getTemplate(),
					defaultPublisher.tiers(), Clock.systemUTC()));
		}
		return publishers;
	}

	/**
	 * Return the forwarder of one cluster's delay tiers: it writes due records on the same
	 * cluster, through the given publisher and template, and only to the application's own
	 * queues.
	 */
	private static DelayForwarder delayForwarder(Map<String, Object> consumerConfig, TaskWorker worker,
			DelayedTaskPublisher publisher, KafkaTemplate<String, byte[]> template, TaskTopics topics,
			KafkaTaskProperties properties, TaskRegistry registry, ObjectProvider<TaskRouter> router,
			ObjectProvider<TaskObserver> observers, ObjectProvider<RevokedTasks> revoked, TaskLifecycle lifecycle,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		Map<String, Object> config = new HashMap<>(consumerConfig);
		// The classic protocol: this consumer pauses and seeks a lot and wants no stalls.
		GroupProtocols.apply(config, GroupProtocol.CLASSIC);
		DelayTargets targets = new DelayTargets(topics, publisher.tiers(),
				knownQueue(provisionedQueues(properties, registry), router.getIfAvailable()),
				properties.getKafka().getPriorityQueues());
		DelayForwarder forwarder = new DelayForwarder(taskConsumerFactory(config, consumerCustomizers),
				worker.getSettings().groupId() + ".delays", publisher, new DeadLetterPublisher(template, topics),
				targets, TaskObserver.composite(observers.orderedStream().toList()), Clock.systemUTC());
		revoked.ifAvailable((revocations) -> forwarder.setRevokedTasks(revocations, lifecycle,
				(task) -> registry.find(task) != null));
		return forwarder;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorker.class)
	ClusterWorkers kafkaTaskClusterWorkers(TaskWorker worker, KafkaClusters clusters, KafkaTaskProperties properties,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, TaskTopics topics, EnvelopeCodec codec,
			TaskRegistry registry, DeliveryHandler deliveries, DelayedTaskPublisher delays,
			ObjectProvider<ResultPublisher> results, ObjectProvider<TaskRouter> router,
			ObjectProvider<TaskObserver> observers, ObjectProvider<RevokedTasks> revoked, TaskLifecycle lifecycle,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskWorkerCustomizer> workerCustomizers) {
		List<String> names = KafkaClusterNames.consumed(properties.getWorker(),
				KafkaClusterNames.of(properties.getKafka()));
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		Map<String, Object> baseConfig = (base != null) ? base.getConfigurationProperties() : Map.of();
		WorkerParts parts = new WorkerParts(properties, worker.getSettings().groupId(), topics, codec, registry,
				deliveries, TaskObserver.composite(observers.orderedStream().toList()), results.getIfAvailable(),
				consumerCustomizers, workerCustomizers.orderedStream().toList());
		List<ClusterWorkers.ClusterWorker> workers = new ArrayList<>();
		Map<String, DelayedTaskPublisher> publishers = delayPublishers(delays, clusters);
		TaskRouter rules = router.getIfAvailable();
		for (String name : names) {
			KafkaClusters.Cluster cluster = clusters.get(name);
			Assert.state(cluster != null, () -> "No Kafka cluster '" + name + "'");
			Map<String, Object> consumerConfig = clusterConsumerConfig(properties, cluster, baseConfig);
			KafkaTemplate<String, byte[]> template = cluster.producer().getTemplate();
			DelayedTaskPublisher publisher = publishers.get(name);
			ResultPublisher replies = (parts.results() != null) ? parts.results().withTemplate(template) : null;
			TaskWorkerConfigurer configurer = workerConfigurer(parts, name, consumerConfig,
					cluster.adminConfiguration(), template, publisher, replies);
			TaskWorker clusterWorker = new TaskWorker(configurer.settings(), configurer.consumerFactory(),
					configurer.topics(), configurer.recordHandler(), configurer.observer());
			configurer.configure(clusterWorker);
			clusterWorker.setCluster(name);
			DelayForwarder forwarder = delayForwarder(consumerConfig, clusterWorker, publisher, template, topics,
					properties, registry, router, observers, revoked, lifecycle, consumerCustomizers);
			forwarder.setCluster(name);
			if (rules != null) {
				forwarder.setRoutes(new DelayRoutes(name, rules, publishers));
			}
			StallDetector stalls = new StallDetector(clusterWorker, properties.getWorker().getStallTimeout(),
					cluster.adminConfiguration());
			workers.add(new ClusterWorkers.ClusterWorker(name, clusterWorker, forwarder, stalls));
		}
		ClusterWorkers clusterWorkers = new ClusterWorkers(workers);
		// They start when the default cluster's worker does.
		clusterWorkers.setAutoStartup(worker.isAutoStartup());
		return clusterWorkers;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorker.class)
	ChordJoiner kafkaTaskChordJoiner(TaskWorker worker, ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			KafkaTaskProducer producer, TaskTopics topics, EnvelopeCodec codec, TaskRegistry registry,
			KafkaTaskProperties properties, ObjectProvider<TaskRouter> router, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<TaskObserver> observers, DelayedTaskPublisher delays, KafkaClusters clusters,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		Map<String, Object> config = new HashMap<>((base != null) ? base.getConfigurationProperties() : Map.of());
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		Map<String, Object> readerConfig = new HashMap<>(config);
		readerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// The classic protocol: the generation of its group fences a joiner that lost its
		// partitions, through the offsets of its transactions.
		GroupProtocols.apply(config, GroupProtocol.CLASSIC);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, worker.getSettings().groupId() + ".chord");
		Map<String, Object> producerConfig = new HashMap<>(
				producer.getTemplate().getProducerFactory().getConfigurationProperties());
		producerConfig.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		producerConfig.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-task-chord");
		producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
		producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// A joiner killed in a transaction holds back read-committed readers of the partitions
		// it wrote to until the transaction times out: a short one, as its transactions are.
		producerConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
		// Waiting for the transaction coordinator holds the joiner's thread, and its stop.
		producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
		String transactionalId = properties.getKafka().getTopicPrefix() + "__chord." + worker.getSettings().groupId()
				+ ".";
		Supplier<Producer<String, byte[]>> transactional = () -> {
			Map<String, Object> instance = new HashMap<>(producerConfig);
			instance.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId + UUID.randomUUID());
			return new KafkaProducer<>(instance, new StringSerializer(), new ByteArraySerializer());
		};
		String defaultQueue = properties.getDefaultQueue();
		Function<String, String> queueOfTask = (task) -> {
			TaskDefinition definition = registry.find(task);
			return (definition != null && definition.queue() != null) ? definition.queue() : defaultQueue;
		};
		ChordCallbacks callbacks = new ChordCallbacks(topics, codec, queueOfTask,
				knownQueue(provisionedQueues(properties, registry), router.getIfAvailable()), Clock.systemUTC());
		TaskRouter rules = router.getIfAvailable();
		if (rules != null && !clusters.names().isEmpty()) {
			// A callback of a queue routed to another cluster goes there through the delay forwarder.
			callbacks.setRoutes(new DelayRoutes(Route.DEFAULT_CLUSTER, rules, delayPublishers(delays, clusters)),
					delays.tiers());
		}
		ChordJoiner joiner = new ChordJoiner(taskConsumerFactory(config, consumerCustomizers),
				taskConsumerFactory(readerConfig, consumerCustomizers), transactional, chordTopics(properties),
				callbacks, jsonMapper.getIfAvailable(JsonMapper::new),
				TaskObserver.composite(observers.orderedStream().toList()), Clock.systemUTC(),
				properties.getCanvas().getChordDoneRetention());
		// It enqueues callbacks for the worker's queues: it starts when the worker does.
		joiner.setAutoStartup(worker.isAutoStartup());
		return joiner;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorker.class)
	StallDetector taskStallDetector(TaskWorker worker, KafkaTaskProperties properties,
			ObjectProvider<KafkaAdmin> kafkaAdmin) {
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		Map<String, Object> adminConfig = (admin != null) ? admin.getConfigurationProperties() : null;
		return new StallDetector(worker, properties.getWorker().getStallTimeout(), adminConfig);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskWorker.class)
	KafkaTaskConsumers kafkaTaskConsumers(TaskWorker worker, TaskTopics topics,
			ObjectProvider<StallDetector> stalls, ObjectProvider<ClusterWorkers> clusterWorkers) {
		StallDetector detector = stalls.getIfAvailable();
		KafkaTaskConsumers consumers = new KafkaTaskConsumers(worker, topics,
				(detector != null) ? () -> detector.recentStatus(Duration.ofSeconds(1)).partitionLag() : Map::of);
		clusterWorkers.ifAvailable((workers) -> workers.all()
			.forEach((cluster) -> consumers.addCluster(cluster.cluster(), cluster.worker(),
					() -> cluster.stalls().recentStatus(Duration.ofSeconds(1)).partitionLag())));
		return consumers;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "kafka-task.kafka.create-topics", matchIfMissing = true)
	ClusterTopics kafkaTaskClusterTopics(KafkaClusters clusters, TaskTopics topics, DelayTiers tiers,
			KafkaTaskProperties properties, TaskRegistry registry) {
		KafkaTaskProperties.Kafka kafka = properties.getKafka();
		Map<String, TopicProvisioner> provisioners = new HashMap<>();
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			provisioners.put(cluster.name(), new TopicProvisioner(new KafkaAdmin(cluster.adminConfiguration()), topics,
					Optional.ofNullable(kafka.getPartitions()), Optional.ofNullable(kafka.getReplicationFactor())));
		}
		String defaultQueue = properties.getDefaultQueue();
		Function<String, String> queueOfTask = (task) -> {
			TaskDefinition definition = registry.find(task);
			return (definition != null && definition.queue() != null) ? definition.queue() : defaultQueue;
		};
		// The queues a worker consumes on a named cluster need their topics there before
		// any route sends to it: a queue moves to the cluster while its worker reads it.
		List<String> consumed = properties.getWorker().isEnabled()
				? KafkaClusterNames.consumed(properties.getWorker(), KafkaClusterNames.of(kafka)) : List.of();
		Function<RoutingRules, Map<String, Set<String>>> queuesByCluster = (rules) -> {
			Map<String, Set<String>> queues = new HashMap<>(rules.queuesByCluster(queueOfTask));
			for (String cluster : consumed) {
				Set<String> clusterQueues = new LinkedHashSet<>(queues.getOrDefault(cluster, Set.of()));
				clusterQueues.addAll(workerQueues(properties, registry));
				queues.put(cluster, clusterQueues);
			}
			return queues;
		};
		ClusterTopics clusterTopics = new ClusterTopics(provisioners, queuesByCluster, topics, tiers,
				Set.copyOf(kafka.getPriorityQueues()), CLUSTER_TOPICS_RETRY);
		// What lives on the cluster of the task's queue besides its topics.
		Map<String, Map<String, String>> shared = new HashMap<>();
		shared.put(replyTopic(properties), Map.of());
		// the ledger of the redrives of its dead letters
		shared.put(redrivenTopic(properties),
				Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
		if (properties.getEvents().isEnabled()) {
			shared.put(eventsTopic(properties), eventsTopicConfig(properties));
		}
		clusterTopics.setSharedTopics(shared);
		return clusterTopics;
	}

	@Bean
	@ConditionalOnBean(ClusterTopics.class)
	SmartInitializingSingleton kafkaTaskClusterTopicsInitializer(ClusterTopics clusterTopics, TaskRouter router) {
		// after every singleton, so that the queues of registered tasks are known
		return () -> {
			router.addListener(clusterTopics::provision);
			clusterTopics.provision(router.rules());
		};
	}

	// Dead letters: list and redrive (DeadLetters), with its ledger topic '<prefix>__redriven',
	// on the default cluster and on each of kafka-task.kafka.clusters (ClusterDeadLetters).

	@Bean
	@ConditionalOnMissingBean
	DeadLetters kafkaTaskDeadLetters(KafkaTaskProducer producer, ObjectProvider<ConsumerFactory<?, ?>> consumerFactory,
			TaskTopics topics, EnvelopeCodec codec, TaskRegistry registry, KafkaTaskProperties properties,
			ObjectProvider<TaskRouter> router, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskObserver> observers, DelayedTaskPublisher delays, KafkaClusters clusters) {
		DeadLettersParts parts = new DeadLettersParts(topics, codec, registry, properties, router, jsonMapper,
				consumerCustomizers, observers, delays, clusters);
		return parts.deadLetters(Route.DEFAULT_CLUSTER, groupless(consumerFactory), producer);
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterDeadLetters kafkaTaskClusterDeadLetters(DeadLetters deadLetters, KafkaClusters clusters,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, TaskTopics topics, EnvelopeCodec codec,
			TaskRegistry registry, KafkaTaskProperties properties, ObjectProvider<TaskRouter> router,
			ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskObserver> observers, DelayedTaskPublisher delays) {
		DeadLettersParts parts = new DeadLettersParts(topics, codec, registry, properties, router, jsonMapper,
				consumerCustomizers, observers, delays, clusters);
		Map<String, DeadLetters> byCluster = new LinkedHashMap<>();
		for (KafkaClusters.Cluster cluster : clusters.all()) {
			// read and redriven on the cluster where they were dead-lettered, never elsewhere
			Map<String, Object> config = clusterConsumerConfig(properties, cluster, groupless(consumerFactory));
			byCluster.put(cluster.name(), parts.deadLetters(cluster.name(), config, cluster.producer()));
		}
		return new ClusterDeadLetters(deadLetters, byCluster);
	}

	/**
	 * What the dead letters of every cluster share, and how the dead letters of one cluster
	 * are made from its consumer configuration and its producer.
	 */
	private record DeadLettersParts(TaskTopics topics, EnvelopeCodec codec, TaskRegistry registry,
			KafkaTaskProperties properties, ObjectProvider<TaskRouter> router, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers,
			ObjectProvider<TaskObserver> observers, DelayedTaskPublisher delays, KafkaClusters clusters) {

		DeadLetters deadLetters(String cluster, Map<String, Object> consumerConfig, KafkaTaskProducer producer) {
			Map<String, Object> config = new HashMap<>(consumerConfig);
			// Listing a queue with no dead letters yet must not create its dead-letter topic.
			config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
			Supplier<List<String>> priorityQueues = () -> this.properties.getKafka().getPriorityQueues();
			// The queues are asked for at each call: tasks may be registered after this bean is made.
			Predicate<String> knownQueue = (queue) -> priorityQueues.get().contains(queue)
					|| knownQueue(provisionedQueues(this.properties, this.registry), this.router.getIfAvailable())
						.test(queue);
			DeadLetters deadLetters = new DeadLetters(taskConsumerFactory(config, this.consumerCustomizers),
					redriveProducer(producer, this.properties, cluster), this.topics, knownQueue, priorityQueues,
					this.codec,
					new RedriveLedger(redrivenTopic(this.properties), this.jsonMapper.getIfAvailable(JsonMapper::new)),
					Clock.systemUTC());
			deadLetters.setCluster(cluster);
			TaskRouter rules = this.router.getIfAvailable();
			if (rules != null && !this.clusters.names().isEmpty()) {
				// a redrive of a queue that moved goes where it is routed, through the delay forwarder
				deadLetters.setRoutes(new DelayRoutes(cluster, rules, delayPublishers(this.delays, this.clusters)),
						this.delays.tiers());
			}
			deadLetters.setObserver(TaskObserver.composite(this.observers.orderedStream().toList()));
			return deadLetters;
		}

	}

	/**
	 * Return the producers of redrives on one cluster: transactional, with one id for every
	 * redrive of the topic prefix on the cluster, so that a redrive fences any other still
	 * running there before it reads what was redriven.
	 */
	private static Supplier<Producer<String, byte[]>> redriveProducer(KafkaTaskProducer producer,
			KafkaTaskProperties properties, String cluster) {
		Map<String, Object> config = new HashMap<>(
				producer.getTemplate().getProducerFactory().getConfigurationProperties());
		config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		// one client id per cluster: their meters and MBeans are told apart by it
		config.put(ProducerConfig.CLIENT_ID_CONFIG,
				Route.DEFAULT_CLUSTER.equals(cluster) ? "kafka-task-redrive" : "kafka-task-redrive-" + cluster);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// Workers read committed: a redrive killed in a transaction holds them back until it times out.
		config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
		config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, properties.getKafka().getTopicPrefix() + "__redrive");
		return () -> new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
	}

	private static String redrivenTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__redriven";
	}

	private static String replyTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__replies";
	}

	private static Map<String, String> compactedFor(Duration retention) {
		return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
				TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
				TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
	}

	private static String eventsTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__events";
	}

	/**
	 * Return the configuration of the events topic, on every cluster: compacted, keeping the
	 * latest event of a task for the retention and all of them for at least the history.
	 */
	private static Map<String, String> eventsTopicConfig(KafkaTaskProperties properties) {
		Map<String, String> config = new HashMap<>(compactedFor(properties.getEvents().getRetention()));
		config.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
				Long.toString(properties.getEvents().getHistory().toMillis()));
		return config;
	}

	/**
	 * Return the configuration of a consumer of a named cluster: the given configuration of
	 * the {@code spring.kafka.*} cluster with that cluster's servers and properties, and a
	 * client id of its own unless they name one.
	 */
	private static Map<String, Object> clusterConsumerConfig(KafkaTaskProperties properties,
			KafkaClusters.Cluster cluster, Map<String, Object> baseConfig) {
		KafkaTaskProperties.Cluster configured = properties.getKafka().getClusters().get(cluster.name());
		if (configured == null) {
			// a cluster of an application's own KafkaClusters: its admin clients' connection
			Map<String, Object> config = new HashMap<>(baseConfig);
			config.putAll(cluster.adminConfiguration());
			return config;
		}
		Map<String, Object> config = configured.buildProperties(baseConfig);
		Object clientId = baseConfig.get(ConsumerConfig.CLIENT_ID_CONFIG);
		if (clientId != null && !configured.getProperties().containsKey(ConsumerConfig.CLIENT_ID_CONFIG)) {
			config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + cluster.name());
		}
		return config;
	}

	private static String finishedTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__finished";
	}

	private static String revokedTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__revoked";
	}

	private static ChordTopics chordTopics(KafkaTaskProperties properties) {
		return ChordTopics.of(properties.getKafka().getTopicPrefix());
	}

	private static String uniqueTopic(KafkaTaskProperties properties) {
		return properties.getKafka().getTopicPrefix() + "__unique";
	}

	/**
	 * Return the queues whose topics are created at startup: the default queue, the queues
	 * of registered tasks, the worker's and {@code kafka-task.kafka.queues}.
	 */
	private static Set<String> provisionedQueues(KafkaTaskProperties properties, TaskRegistry registry) {
		Set<String> queues = new LinkedHashSet<>();
		queues.add(properties.getDefaultQueue());
		queues.addAll(registry.queues(properties.getDefaultQueue()));
		queues.addAll(properties.getWorker().getQueues());
		queues.addAll(properties.getKafka().getQueues());
		return queues;
	}

	/**
	 * Return whether a queue is one the delay forwarder may write to: one whose topic is
	 * created at startup, or one that a routing rule names, as the rules are at the time.
	 */
	private static Predicate<String> knownQueue(Set<String> provisioned, @Nullable TaskRouter router) {
		Set<String> queues = Set.copyOf(provisioned);
		return (router != null) ? (queue) -> queues.contains(queue) || router.rules().queues().containsKey(queue)
				: queues::contains;
	}

	private static List<String> workerQueues(KafkaTaskProperties properties, TaskRegistry registry) {
		List<String> configured = properties.getWorker().getQueues();
		return configured.isEmpty() ? List.copyOf(registry.queues(properties.getDefaultQueue())) : configured;
	}

	/**
	 * Return the application's consumer configuration for a consumer of kafka-task's own that
	 * reads without a group (replies, unique claims, task events, finished ids, dead
	 * letters): no group id and no static member id.
	 */
	private static Map<String, Object> groupless(ObjectProvider<ConsumerFactory<?, ?>> consumerFactory) {
		ConsumerFactory<?, ?> base = consumerFactory.getIfAvailable();
		Map<String, Object> config = new HashMap<>((base != null) ? base.getConfigurationProperties() : Map.of());
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		return config;
	}

	/**
	 * Return a consumer factory of task records, customized by Boot's
	 * {@code DefaultKafkaConsumerFactoryCustomizer} beans (client meters among them) and the
	 * application's.
	 */
	static ConsumerFactory<String, byte[]> taskConsumerFactory(Map<String, Object> configuration,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
		Map<String, Object> config = new HashMap<>(configuration);
		config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
		config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		// Chord callbacks are written in transactions: one that was aborted must never run.
		// Always, whatever spring.kafka.consumer.isolation-level says (Boot writes its
		// read_uncommitted default into every consumer's configuration).
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		DefaultKafkaConsumerFactory<String, byte[]> factory = new DefaultKafkaConsumerFactory<>(config,
				new StringDeserializer(), new ByteArrayDeserializer());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(factory));
		return factory;
	}

}
