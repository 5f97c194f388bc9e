#!/usr/bin/env python3
"""Local DynamoDB for development and tests: moto's server on a loopback port.

DynamoDB applies each request atomically; moto's backend does not guard against concurrent
requests (a transaction's condition checks and writes can interleave with another request's).
This launcher therefore serialises requests with one lock, so concurrency tests see DynamoDB's
semantics. It prints the port it listens on as its first line of output, and with
--exit-with-parent it exits when the process that started it is gone.

moto's Query on a table collects and sorts every item of the table before it picks the
queried partition, so each Query costs time in proportion to the whole table (85 ms per Query
at ~6,000 items, measured by the benchmark); DynamoDB reads only the partition. The launcher
hands moto's Query the partition alone, which gives the same results at DynamoDB's cost shape.
"""

import argparse
import logging
import os
import threading
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def query_partitions_alone() -> None:
    """Makes moto's base-table Query read only the queried partition (see above)."""
    from moto.dynamodb.models.table import Table

    original_query = Table.query

    def query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or hash_key is None or not self.range_key_attr:
            return original_query(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        # An instance attribute shadows the method for this call only (requests are serialised).
        self.all_items = lambda: sorted(partition, key=lambda item: (item.hash_key, item.range_key))
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--exit-with-parent", action="store_true")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    query_partitions_alone()
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            return list(app(environ, start_response))

    server = make_server(args.host, args.port, serialised, threaded=True)
    print(server.server_port, flush=True)

    if args.exit_with_parent:
        parent = os.getppid()

        def exit_when_orphaned() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        threading.Thread(target=exit_when_orphaned, daemon=True).start()

    server.serve_forever()


if __name__ == "__main__":
    main()
