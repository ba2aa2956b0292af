"""Throughput of the official CPTS Python SDK for one start call (update_task_status) against a
loopback server, sequentially and from a 32-thread pool. Prints one JSON object.

Usage: bench_cpts.py ENDPOINT CALLS
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcpts.v1 import (CptsClient, NetworkInfo, UpdateTaskStatusRequest,
                                   UpdateTaskStatusRequestBody)

endpoint, calls = sys.argv[1], int(sys.argv[2])
config = HttpConfig.get_default_config()
config.pool_connections = 32
config.pool_maxsize = 32
client = (CptsClient.new_builder()
          .with_http_config(config)
          .with_credentials(BasicCredentials("AKBENCH0000000000001", "SKBENCH", "0123456789abcdef0123456789abcdef"))
          .with_endpoints([endpoint])
          .build())


def one(_=None):
    body = UpdateTaskStatusRequestBody(cluster_id=0, cluster_type="shared-cluster-internet", without_package=0,
                                       network_info=NetworkInfo(network_type="internet"), status=9)
    resp = client.update_task_status(UpdateTaskStatusRequest(test_suite_id=1023504, task_id=1076579, body=body))
    assert resp.result.task_run_id == 1031748


for _ in range(max(10, calls // 10)):
    one()
start = time.perf_counter()
for _ in range(calls):
    one()
seq = (time.perf_counter() - start) / calls
with ThreadPoolExecutor(max_workers=32) as pool:
    list(pool.map(one, range(64)))
    start = time.perf_counter()
    list(pool.map(one, range(calls)))
    conc = (time.perf_counter() - start) / calls
print(json.dumps({"seq_s": seq, "conc_s": conc}))
