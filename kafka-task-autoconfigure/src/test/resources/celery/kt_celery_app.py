"""A Celery 5.2 app for kafka-task's interop tests, configured from the environment.

KT_BROKER_URL  the broker (default amqp://guest:guest@127.0.0.1:5672//)
KT_QUEUE       the default queue (default 'celery')
KT_RECORD_FILE where py.record appends one JSON line per task it runs

Protocol 2, JSON only, late acknowledgement: what a Celery peer of kafka-task looks like.
Run a worker with: /usr/bin/python3 -m celery -A kt_celery_app worker -Q <queue> ...
"""
import json
import os

from celery import Celery

DEFAULT_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672//'

# Request attributes that are not message headers: the protocol's own headers and what
# the worker adds. Whatever else a request has came as a custom message header.
NOT_CUSTOM_HEADERS = frozenset((
    'lang', 'task', 'id', 'shadow', 'eta', 'expires', 'group', 'group_index', 'retries', 'timelimit',
    'root_id', 'parent_id', 'argsrepr', 'kwargsrepr', 'origin', 'ignore_result', 'stamped_headers', 'stamps',
    'replaced_task_nesting', 'properties', 'reply_to', 'correlation_id', 'hostname', 'delivery_info',
    'args', 'kwargs', 'is_eager', 'called_directly', 'callbacks', 'errbacks', 'chain', 'chord', 'utc',
    'loglevel', 'logfile', 'headers', 'taskset',
))


def make_app(broker_url=None, queue=None):
    """Return a Celery app configured like kafka-task's Python peers."""
    app = Celery('kt_celery_app', broker=broker_url or os.environ.get('KT_BROKER_URL', DEFAULT_BROKER_URL),
                 set_as_current=False)
    app.conf.update(
        task_protocol=2,
        task_serializer='json',
        result_serializer='json',
        accept_content=['json'],
        result_accept_content=['json'],
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        enable_utc=True,
        timezone='UTC',
        task_default_queue=queue or os.environ.get('KT_QUEUE', 'celery'),
        # Publisher confirms: once send_task returns, the broker has the message.
        broker_transport_options={'confirm_publish': True},
    )
    app.task(name='py.record', bind=True)(record)
    return app


def record(task, *args, **kwargs):
    """Append what this task was called with to KT_RECORD_FILE, one JSON line."""
    request = task.request
    line = {
        'id': request.id,
        'task': request.task or task.name,
        'args': list(args),
        'kwargs': kwargs,
        'eta': request.eta,
        'expires': request.expires,
        'retries': request.retries,
        'headers': {name: value for name, value in vars(request).items()
                    if name not in NOT_CUSTOM_HEADERS and not name.startswith('_')},
    }
    text = json.dumps(line, default=str) + '\n'
    # One write of a whole line, flushed: readers never see half a line of a finished task.
    with open(os.environ['KT_RECORD_FILE'], 'a', encoding='utf-8') as file:
        file.write(text)
        file.flush()


app = make_app()
