"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1: STARTTLS with the given certificate, AUTH PLAIN/LOGIN
for one user, and every accepted message written to a directory as <n>.eml with its envelope beside it.

    python3 Tests/support/smtp_sink.py --port-file P --dir D [--cert C --key K] [--user U --password W]

Writes the port it listens on to P once it accepts connections, and runs until killed (or for --seconds).
"""

import argparse
import json
import pathlib
import socket
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example.com"):
            return "550 5.1.1 no such mailbox"
        if address.endswith("@busy.example.com"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        # The envelope first, then the message by rename: a reader that sees <n>.eml sees both whole.
        (self.directory / f"{self.count}.json").write_text(json.dumps({
            "from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated)}))
        partial = self.directory / f"{self.count}.eml.partial"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / f"{self.count}.eml")
        return f"250 2.0.0 Ok: queued as SINK{self.count}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--seconds", type=float, default=600)
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        # handled=False: the server answers 535 itself (handled=True would leave the client waiting).
        return AuthResult(success=ok, handled=False)

    options = {"tls_context": context, "require_starttls": False}
    if args.user:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(context))
    with socket.socket() as probe:  # a free port (the controller needs one named)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=port, server_kwargs=options)
    controller.start()
    pathlib.Path(args.port_file).write_text(str(controller.port))
    try:
        time.sleep(args.seconds)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
