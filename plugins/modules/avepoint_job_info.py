#!/usr/bin/python
# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: avepoint_job_info
short_description: Read the backup jobs of AvePoint customers and when each last succeeded
version_added: 1.1.0
description:
  - Reads the backup jobs of one or many customers from the AvePoint Graph API and returns them in one
    shape whichever API answers, with the time of each customer's last successful backup.
  - The customers are read concurrently over one pooled connection set with one token, and every page
    of each customer's jobs is read, so one task handles hundreds of customers; never loop this module.
  - Every customer ID and every filter value is checked before any request is made.
  - Never changes anything; C(changed) is always false and check mode behaves like a normal run.
author:
  - avepoint.graph contributors (@example-msp)
options:
  customer_id:
    description:
      - ID of one customer (the tenant owner ID, a GUID).
      - Exactly one of O(customer_id) and O(customer_ids) is required.
    type: str
    version_added: 1.1.0
  customer_ids:
    description:
      - IDs of several customers (GUIDs). Duplicates are read once; results follow the order given.
    type: list
    elements: str
    version_added: 1.1.0
  since:
    description:
      - Return only the jobs that did something at or after this time, given as a duration back from now
        (V(48h), V(7d), V(1d12h), V(30m), V(2w), ISO 8601 V(PT48H)) or as an ISO 8601 time
        (V(2026-11-29T08:00:00Z); a time without a UTC offset is taken as UTC).
      - A job's time is its end time, or its last modification time while it has no end time, or its start
        time; jobs with none of them are left out when O(since) is set.
      - Does not change RV(customers[].last_success), which may be older than O(since).
      - Without O(since), every job the API lists is returned.
    type: str
    version_added: 1.1.0
  status:
    description:
      - Return only jobs with one of these statuses, by name or code, for example V(Failed) or V(3).
      - The documented statuses are V(None) (0), V(Running) (1), V(Finished) (2), V(Failed) (3),
        V(Finished with exception) (4), V(Skipped) (5), V(Pending) (6), V(Failed to start) (7), V(Canceled) (8),
        V(Rejected) (9), V(Stopped) (10), V(Not scanned) (11), V(Disabled) (12), V(Not started) (13) and
        V(Waiting for configuration) (14), plus V(Not Finished), which the partner API sends without a code.
      - Names are compared without regard to letter case. An undocumented value is an error.
      - Does not change RV(customers[].last_success).
    type: list
    elements: str
    version_added: 1.1.0
  job_type:
    description:
      - Consider only jobs of these service types, by name or code, for example V(Microsoft 365) (7),
        V(Microsoft 365 Scan) (0), V(Google Workspace) (11), V(Google Workspace Scan) (10), V(IaaS + PaaS) (12),
        V(Salesforce) (15) or V(Dynamics 365) (16).
      - RV(customers[].last_success) then considers only these types too.
      - With O(api=elements) and one type, the API filters (C(jobType) in the request body).
    type: list
    elements: str
    version_added: 1.1.0
  job_module:
    description:
      - Consider only jobs of these service modules, by name or code, for example V(SharePoint Online) (302),
        V(Exchange Online) (303), V(OneDrive) (305) or V(Microsoft Teams) (308); every module AvePoint documents
        for the Elements v3 jobs API is known.
      - RV(customers[].last_success) then considers only these modules too.
      - With O(api=elements) and one module, the API filters (C(jobModule) in the request body).
    type: list
    elements: str
    version_added: 1.1.0
  return_jobs:
    description:
      - Whether to return the jobs themselves in RV(jobs).
      - V(false) returns only RV(customers) (with the last success and the job counts) and RV(missing_ids), which
        keeps the result small when a play only checks how recent each customer's last success is.
    type: bool
    default: true
    version_added: 1.1.0
  elements_jobs_path:
    description:
      - The path of the Elements v3 jobs endpoint, with a V({customer_id}) placeholder (V({customerId}) works too).
      - The default is the path AvePoint documents; its change log once spells it
        C(/partner/external/v3/general/customers/{customerId}/products/jobs/batch). Change it only if AvePoint's
        service answers HTTP 404 for customers that exist.
      - Only used with O(api=elements).
    type: str
    default: /partner/external/v3/general/customers/{customer_id}/avpt-products/jobs/batch
    version_added: 1.1.0
  scope:
    description:
      - OAuth scope requested with the token (space-separated permission names).
      - Defaults to the permission this module needs on the selected O(api), C(partner.jobs.read.all) or
        C(elements.jobs.read.all), so it works next to M(avepoint.graph.avepoint_customer_info) in one play
        without any scope setting.
      - A scope set for both modules (for example in C(module_defaults) or E(AVEPOINT_SCOPE)) must name both
        permissions, for example C(partner.customers.read.all partner.jobs.read.all).
      - If not set, the value of the E(AVEPOINT_SCOPE) environment variable is used.
    type: str
    version_added: 1.1.0
extends_documentation_fragment:
  - avepoint.graph.connection
  - avepoint.graph.connection.modules
  - avepoint.graph.attributes.INFO_MODULE
requirements:
  - requests
  - jsonschema
  - cryptography and PyJWT (only for certificate authentication)
notes:
  - The app registration needs the permission C(partner.jobs.read.all) (O(api=partner)) or C(elements.jobs.read.all)
    (O(api=elements)) in addition to the customer permission of M(avepoint.graph.avepoint_customer_info).
  - AvePoint does not document how far back the jobs endpoints go (its samples show the latest job of each
    module). RV(customers[].last_success) is the newest successful job among the jobs the API returns; null means
    that the API returned none, not that none ever succeeded.
  - Times are returned as C(YYYY-MM-DDTHH:MM:SSZ) in UTC, so they compare correctly as text.
  - C(backupSize) (C(1.5 GB)) is converted to bytes with KB, MB, GB, TB as powers of 1024, the way Windows and the
    Microsoft 365 admin centers count; AvePoint rounds the number it shows, so the bytes are approximate.
  - Values this collection does not know (a new status, type or module, a duration or size it cannot read) are
    kept as sent or returned as null, and one warning per value says so. A time that is not ISO 8601 fails the task.
  - Customer IDs in results are lowercase, whatever letter case was asked for or returned.
seealso:
  - module: avepoint.graph.avepoint_customer_info
    description: The facts of the customers themselves.
  - plugin: avepoint.graph.avepoint_customer
    plugin_type: lookup
    description: Customer facts from a lookup, for use in templates and variables.
  - ref: ansible_collections.avepoint.graph.docsite.jobs
    description: The jobs guide, with the permissions and the conventions for times, sizes and codes.
  - name: AvePoint Graph API
    description: AvePoint's API reference.
    link: https://learn.avepoint.com/Docs/API/
"""

EXAMPLES = r"""
- name: Jobs of one customer in the last two days
  avepoint.graph.avepoint_job_info:
    customer_id: 0f8fad5b-d9cb-469f-a165-70867728950e
    since: 48h
    client_id: "{{ avepoint_client_id }}"
    client_secret: "{{ avepoint_client_secret }}"
  register: contoso_jobs

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.job_module }}: {{ item.status }} at {{ item.end_time }}"
  loop: "{{ contoso_jobs.jobs }}"

- name: Customer facts and jobs in one play, connection options set once (no scope setting needed)
  module_defaults:
    group/avepoint.graph.avepoint:
      client_id: "{{ avepoint_client_id }}"
      client_secret: "{{ avepoint_client_secret }}"
      api: elements
  block:
    - name: Read the customers of this pipeline
      avepoint.graph.avepoint_customer_info:
        ids: "{{ customer_ids }}"
      register: customers

    - name: When did their Microsoft 365 backups last succeed? (the jobs themselves are not needed)
      avepoint.graph.avepoint_job_info:
        customer_ids: "{{ customer_ids }}"
        job_type: Microsoft 365
        return_jobs: false
      register: jobs

    - name: Fail for customers without a successful backup in the last 24 hours
      vars:
        cutoff: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true) }}"
        stale: >-
          {{ jobs.customers | selectattr('last_success', 'none') | map(attribute='customer_id') | list
             + jobs.customers | rejectattr('last_success', 'none') | selectattr('last_success', 'lt', cutoff)
               | map(attribute='customer_id') | list }}
      ansible.builtin.assert:
        that: stale | length == 0
        fail_msg: "No successful backup within 24h: {{ stale | join(', ') }}"

- name: Failed jobs of the last week (credentials from AVEPOINT_* variables)
  avepoint.graph.avepoint_job_info:
    customer_ids: "{{ customer_ids }}"
    status: [Failed, Failed to start, Finished with exception]
    since: 7d
  register: failures

- name: Last success per customer as a dict
  ansible.builtin.set_fact:
    last_success: "{{ failures.customers | items2dict(key_name='customer_id', value_name='last_success') }}"
"""

RETURN = r"""
jobs:
  description:
    - The jobs selected, customer by customer in the order asked, each customer's newest first (jobs without any
      time last).
    - Facts are the same whichever API answered; a value the API leaves out or writes as C(N/A) is null.
    - Empty with O(return_jobs=false).
  returned: always
  type: list
  elements: dict
  contains:
    customer_id:
      description: The customer (tenant owner) ID, lowercase.
      type: str
      sample: 0f8fad5b-d9cb-469f-a165-70867728950e
    job_id:
      description: The job ID.
      type: str
      sample: IB20251211225226018075
    name:
      description: The job name; often null (the API writes C(N/A)).
      type: str
      sample: null
    job_type:
      description: The service type's name, for example C(Microsoft 365); C(Unknown (<code>)) for an undocumented code.
      type: str
      sample: Microsoft 365
    job_type_code:
      description: The service type's code, or null for a name without a (unique) code.
      type: int
      sample: 7
    job_module:
      description: The service module's name, for example C(SharePoint Online).
      type: str
      sample: SharePoint Online
    job_module_code:
      description: The service module's code, or null for a name without a unique code (C(Archiver) is 8 and 309).
      type: int
      sample: 302
    status:
      description: The job status's name, for example C(Finished) or C(Failed).
      type: str
      sample: Finished
    status_code:
      description: The job status's code (2 is C(Finished)), or null for a name without a code such as C(Not Finished).
      type: int
      sample: 2
    start_time:
      description: When the job started (UTC), or null.
      type: str
      sample: "2026-11-29T07:41:21Z"
    end_time:
      description: When the job ended (UTC), or null (not ended, or never started).
      type: str
      sample: "2026-11-29T08:00:00Z"
    last_modified_time:
      description: When the job last changed (UTC), or null.
      type: str
      sample: "2026-11-29T08:00:01Z"
    duration_seconds:
      description: The job's duration in whole seconds, read from text such as C(17m39s), or null.
      type: int
      sample: 1059
    backup_size_bytes:
      description: The size backed up, read from text such as C(1.5 GB) with 1 GB = 1024^3 bytes, or null.
      type: int
      sample: 1610612736
    total_count:
      description: How many objects the job processed, or null.
      type: int
      sample: 2323
    failed_count:
      description: How many objects failed, or null.
      type: int
      sample: 0
    successful_count:
      description: How many objects succeeded, or null.
      type: int
      sample: 2323
    skipped_count:
      description: How many objects were skipped, or null.
      type: int
      sample: 0
    warning_count:
      description: How many objects ended with a warning, or null.
      type: int
      sample: 0
customers:
  description:
    - One entry per customer found, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    customer_id:
      description: The customer ID, lowercase.
      type: str
      sample: 0f8fad5b-d9cb-469f-a165-70867728950e
    last_success:
      description:
        - End time (UTC) of the customer's newest job with status C(Finished), or null when the API returned none.
        - Considers every job of the O(job_type) and O(job_module) asked, whatever O(since) and O(status) select.
          Jobs without an end time do not count, nor a success that ends after the time of the task (more than
          60 seconds, for clocks that differ), which a warning names.
        - The newest success of any workload; RV(customers[].last_success_by_workload) tells one failing workload
          from the others.
      type: str
      sample: "2026-11-29T08:00:00Z"
    last_success_by_workload:
      description:
        - For every workload (job module) among the customer's jobs, the end time (UTC) of its newest successful
          job, or null when it has jobs but no success, with the same rules as RV(customers[].last_success).
        - Keys are AvePoint's job module names (C(Exchange Online), C(OneDrive), C(Microsoft 365 Groups)...),
          whichever API answered and however it spelled them (the partner API's C(OneDrive for Business) is
          C(OneDrive)); a module this collection does not know keeps its name as sent.
        - A workload without any job is absent, and so are the jobs of the module C(None) (code 0, the rows the
          service lists with every value C(N/A)), which back up no workload.
      type: dict
      sample: {"Exchange Online": "2026-11-26T02:00:00Z", "SharePoint Online": "2026-11-29T08:00:00Z", "OneDrive": null}
      version_added: 1.2.0
    last_success_job_id:
      description: The ID of that job, or null.
      type: str
      sample: IB20261129074121018075
    job_count:
      description: How many of the customer's jobs are in RV(jobs).
      type: int
      sample: 4
missing_ids:
  description: Requested customer IDs the jobs API does not know (HTTP 404), lowercase, in the order asked.
  returned: always
  type: list
  elements: str
  sample: []
since:
  description: The start of the time window O(since) selected, as a UTC time, or null without O(since).
  returned: always
  type: str
  sample: "2026-11-27T08:00:00Z"
failed_ids:
  description:
    - When the task fails because the jobs of some customers could not be read after all retries, their IDs
      (the message lists the first 20). No jobs are returned then.
  returned: on failure of some customers
  type: list
  elements: str
  sample: [0f8fad5b-d9cb-469f-a165-70867728950e]
"""

from ansible_collections.avepoint.graph.plugins.module_utils._job_query import ELEMENTS_JOBS_PATH, job_query
from ansible_collections.avepoint.graph.plugins.module_utils._module_runtime import customer_ids_asked, per_customer_module, run_module

READS = ("jobs",)


def run(module, client) -> dict:
    params = module.params
    query = job_query(customer_ids_asked(params), since=params["since"], statuses=params["status"], job_types=params["job_type"],
                      job_modules=params["job_module"], elements_path=params["elements_jobs_path"])
    report = client.get_jobs(query)
    return {"changed": False, "jobs": report.jobs if params["return_jobs"] else [], "customers": report.customers,
            "missing_ids": report.missing_ids, "since": report.since}


def main() -> None:
    module = per_customer_module({
        "since": {"type": "str"},
        "status": {"type": "list", "elements": "str"},
        "job_type": {"type": "list", "elements": "str"},
        "job_module": {"type": "list", "elements": "str"},
        "return_jobs": {"type": "bool", "default": True},
        "elements_jobs_path": {"type": "str", "default": ELEMENTS_JOBS_PATH},
    })
    run_module(module, run, READS)


if __name__ == "__main__":
    main()
