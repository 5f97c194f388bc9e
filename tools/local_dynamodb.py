#!/usr/bin/env python3
"""Local DynamoDB for development and tests: moto's server on a loopback port.

DynamoDB applies each request atomically; moto's backend does not guard against concurrent
requests (a transaction's condition checks and writes can interleave with another request's).
This launcher therefore serialises requests with one lock, so concurrency tests see DynamoDB's
semantics. It prints the port it listens on as its first line of output, and with
--exit-with-parent it exits when the process that started it is gone.
"""

import argparse
import logging
import os
import threading
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--exit-with-parent", action="store_true")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
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
