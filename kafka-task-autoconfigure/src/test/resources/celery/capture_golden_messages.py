#!/usr/bin/python3
"""Capture Celery task messages from RabbitMQ as golden fixtures for CeleryMessageCodecGoldenTests.

Run with Debian's interpreter (python3-celery), not the first python3 on PATH:

    /usr/bin/python3 capture_golden_messages.py --out golden

Each case is sent with ``app.send_task`` into a throw-away queue, fetched back with
``basic_get`` and written to ``<out>/<case>.json`` with:

* ``content_header``: the raw AMQP content header frame payload (base64), exactly as the
  broker delivered it, so that Java tests read it with the RabbitMQ Java client itself;
* ``body``: the raw body (base64);
* ``properties`` and ``body_text``: the same, decoded by py-amqp, for people to read.

The ``kombu53-types`` case is the one message not written by Celery 5.2 alone: its headers
come from Celery 5.2, its body was written by hand in kombu 5.3's JSON encoding
(``{"__type__": ..., "__value__": ...}``) and published raw.
"""
import argparse
import base64
import datetime
import decimal
import json
import os
import platform
import sys
import uuid

import amqp
import celery
import kombu
from amqp.serialization import GenericContent
from celery import Celery, signature

UTC = datetime.timezone.utc

# Keep the raw content header frame of every message py-amqp receives.
_inbound_header = GenericContent.inbound_header


def _keep_raw_header(self, buf, offset=0):
    self.kt_raw_header = bytes(buf[offset:])
    return _inbound_header(self, buf, offset)


GenericContent.inbound_header = _keep_raw_header

# kombu 5.3+ JSON for args [datetime, date, time, Decimal, UUID, bytes] and kwargs with the
# same types nested, written by hand from kombu 5.3's kombu/utils/json.py.
KOMBU53_BODY = (
    '[[{"__type__": "datetime", "__value__": "2026-03-04T05:06:07.890123+00:00"}, '
    '{"__type__": "date", "__value__": "2026-03-04"}, '
    '{"__type__": "time", "__value__": "12:30:00"}, '
    '{"__type__": "decimal", "__value__": "12.50"}, '
    '{"__type__": "uuid", "__value__": {"hex": "5a6f1e2c9b7d4f0e8a1b2c3d4e5f6a7b", "version": 4}}, '
    '{"__type__": "bytes", "__value__": "raw"}], '
    '{"nested": {"when": [{"__type__": "datetime", "__value__": "2026-03-04T05:06:07"}], '
    '"blob": {"__type__": "base64", "__value__": "AAEC"}}, '
    '"plain": {"__type__": "datetime"}}, '
    '{"callbacks": null, "errbacks": null, "chain": null, "chord": null}]'
)


def cases(app):
    yield 'minimal', dict(name='py.record', task_id='00000000-0000-4000-8000-000000000001')
    yield 'full', dict(
        name='py.record', task_id='00000000-0000-4000-8000-000000000002',
        args=(42, 'text', None, True, 1.5, datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
              [1, 'two'], {'k': 'v'}),
        kwargs={'amount': decimal.Decimal('12.50'), 'ref': uuid.UUID('5a6f1e2c-9b7d-4f0e-8a1b-2c3d4e5f6a7b'),
                'day': datetime.date(2026, 3, 4), 'at': datetime.time(12, 30), 'quote': "it's"},
        eta=datetime.datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        expires=datetime.datetime(2030, 1, 3, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        headers={'tenant': 'acme', 'attempt': 3}, priority=5, time_limit=30, soft_time_limit=20.5,
        retries=2)
    yield 'countdown', dict(name='py.record', task_id='00000000-0000-4000-8000-000000000003', args=(1,),
                            countdown=60, expires=3600)
    yield 'naive', dict(name='py.record', task_id='00000000-0000-4000-8000-000000000004',
                        eta=datetime.datetime(2030, 1, 2, 3, 4, 5),
                        expires=datetime.datetime(2030, 1, 3, 4, 5, 6, 700000))
    yield 'workflow', dict(
        name='py.record', task_id='00000000-0000-4000-8000-000000000005', args=(1, 2),
        link=signature('py.callback', args=(3,), app=app), link_error=signature('py.errback', app=app),
        chain=[dict(signature('py.next', args=(4,), kwargs={'n': 5}, app=app))],
        chord=dict(signature('py.body', app=app)),
        group_id='00000000-0000-4000-8000-0000000000aa', group_index=2,
        root_id='00000000-0000-4000-8000-0000000000bb', parent_id='00000000-0000-4000-8000-0000000000cc',
        shadow='py.record.alias', ignore_result=True)


def dump(message, case, out):
    raw_header = message.kt_raw_header
    fixture = {
        'case': case,
        'producer': {'celery': celery.__version__, 'kombu': kombu.__version__, 'amqp': amqp.__version__,
                     'python': platform.python_version()},
        'captured': datetime.datetime.now(UTC).isoformat(),
        'content_header': base64.b64encode(raw_header).decode('ascii'),
        'body': base64.b64encode(bytes(message.body)).decode('ascii'),
        'properties': message.properties,
        'body_text': bytes(message.body).decode('utf-8'),
    }
    with open(os.path.join(out, case + '.json'), 'w', encoding='utf-8') as file:
        json.dump(fixture, file, indent=2, default=str)
        file.write('\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--broker', default='amqp://guest:guest@127.0.0.1:5672//')
    parser.add_argument('--out', required=True)
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    app = Celery('kt-golden', broker=options.broker, set_as_current=False)
    # Publisher confirms: when send_task returns, the message is in the queue.
    app.conf.update(task_protocol=2, task_serializer='json', accept_content=['json'], enable_utc=True,
                    timezone='UTC', broker_transport_options={'confirm_publish': True})
    queue = 'kt-golden-' + uuid.uuid4().hex
    reader = kombu.Connection(options.broker)
    # A py-amqp channel that leaves bodies as the bytes the broker delivered.
    channel = amqp.Channel(reader.connection, auto_decode=False)
    channel.open()
    try:
        for case, call in cases(app):
            app.send_task(queue=queue, **call)
            message = channel.basic_get(queue, no_ack=True)
            if message is None:
                raise SystemExit(f'{case}: no message in {queue}')
            dump(message, case, options.out)
        headers, properties, _, _ = app.amqp.create_task_message(
            '00000000-0000-4000-8000-000000000006', 'py.record', (), {}, None, None, None, None, None, 0,
            None, None, None, app.thread_oid, None, None, False, None, None, None, None)
        with app.producer_or_acquire() as producer:
            producer.publish(KOMBU53_BODY.encode('utf-8'), routing_key=queue, exchange='',
                             content_type='application/json', content_encoding='utf-8', headers=headers,
                             delivery_mode=2, **properties)
        message = channel.basic_get(queue, no_ack=True)
        if message is None:
            raise SystemExit(f'kombu53-types: no message in {queue}')
        dump(message, 'kombu53-types', options.out)
    finally:
        channel.queue_delete(queue)
        channel.exchange_delete(queue)
        reader.close()
    print(f'captured into {options.out} with celery {celery.__version__}, kombu {kombu.__version__}',
          file=sys.stderr)


if __name__ == '__main__':
    main()
