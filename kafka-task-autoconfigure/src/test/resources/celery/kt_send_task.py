"""Send one task with Celery 5.2's send_task and print its id, the only line on stdout.

    /usr/bin/python3 kt_send_task.py --queue q --task py.record --args '[1, "a"]' \
        --kwargs '{"x": 1}' [--eta ISO] [--expires ISO] [--countdown SECONDS] \
        [--task-id ID] [--headers JSON] [--broker URL]

Exits with a non-zero status, and the reason on stderr, when the task cannot be sent.
"""
import argparse
import datetime
import json
import sys

import kt_celery_app


def json_value(kind):
    def parse(text):
        value = json.loads(text)
        if not isinstance(value, kind):
            raise argparse.ArgumentTypeError(f'not a JSON {kind.__name__}: {text}')
        return value
    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description='Send one Celery task and print its id.')
    parser.add_argument('--broker', help='broker URL (default: KT_BROKER_URL or the local RabbitMQ)')
    parser.add_argument('--queue', required=True)
    parser.add_argument('--task', required=True)
    parser.add_argument('--args', type=json_value(list), default=[], help='positional arguments, a JSON array')
    parser.add_argument('--kwargs', type=json_value(dict), default={}, help='keyword arguments, a JSON object')
    parser.add_argument('--eta', type=datetime.datetime.fromisoformat, help='ISO-8601 date-time')
    parser.add_argument('--expires', type=datetime.datetime.fromisoformat, help='ISO-8601 date-time')
    parser.add_argument('--countdown', type=float, help='seconds')
    parser.add_argument('--task-id')
    parser.add_argument('--headers', type=json_value(dict), help='custom message headers, a JSON object')
    options = parser.parse_args(argv)
    app = kt_celery_app.make_app(options.broker, options.queue)
    try:
        result = app.send_task(options.task, args=options.args, kwargs=options.kwargs, queue=options.queue,
                               eta=options.eta, expires=options.expires, countdown=options.countdown,
                               task_id=options.task_id, headers=options.headers)
    except Exception as ex:  # noqa: BLE001 - the reason goes to the caller
        print(f'kt_send_task: could not send {options.task}: {ex!r}', file=sys.stderr)
        return 1
    print(result.id)
    return 0


if __name__ == '__main__':
    sys.exit(main())
