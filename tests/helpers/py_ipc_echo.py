# py_ipc_echo.py: a Python child on tend's channel through TEND_IPC_FD (one JSON document per line, as
# docs/ipc.md says). Sends {"tend":"ready"}, then answers every message with {"echo": MESSAGE, "pid": PID};
# {"to": NAME, "say": X} is instead routed to program NAME as {"from": "python", "said": X}.
import json
import os
import socket

channel = socket.socket(fileno=int(os.environ["TEND_IPC_FD"]))
reader = channel.makefile("r", encoding="utf-8", newline="\n")


def send(message):
    channel.sendall((json.dumps(message) + "\n").encode())


send({"tend": "ready"})
for line in reader:
    message = json.loads(line)
    if isinstance(message, dict) and "to" in message:
        send({"tend": "send", "to": message["to"], "data": {"from": "python", "said": message["say"]}})
    else:
        send({"echo": message, "pid": os.getpid()})
