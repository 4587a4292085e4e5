# A tend child in Python on its message channel (docs/ipc.md): one JSON document per line, both ways.
#   tend start --name echo --ready ipc -- python3 echo.py
#   tend send echo '{"hello": 1}' --wait-reply 2s      → {"echo":{"hello":1}}
import json
import os
import socket

channel = socket.socket(fileno=int(os.environ["TEND_IPC_FD"]))
lines = channel.makefile("r", encoding="utf-8", newline="\n")


def send(message):
    channel.sendall((json.dumps(message) + "\n").encode())


send({"tend": "ready"})  # starting -> running
for line in lines:  # ends when tend closes the channel
    send({"echo": json.loads(line)})
