# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: avepoint_customers
short_description: AvePoint customers as inventory hosts, or customer facts for existing hosts
version_added: 1.0.0
description:
  - Reads the customers of a managed service provider from the AvePoint Graph API.
  - In V(hosts) mode (the default) every customer the app registration can see becomes a host
    whose variable C(avepoint_customer) holds the customer facts.
  - In V(enrich) mode no host is added; every host that inventory sources listed B(before) this one
    define with a customer ID variable (O(customer_id_var)) gets C(avepoint_customer). All those
    customers are fetched in one bulk operation.
  - The customer facts are C(id), C(organization), C(owner_email), C(job_status), C(job_status_code)
    and C(country_or_region), and with O(api=elements) also C(management_mode) and C(tenants), the same as the
    R(avepoint.graph.avepoint_customer_info,ansible_collections.avepoint.graph.avepoint_customer_info_module)
    module returns; with O(last_success=true) also C(last_success), with O(last_success_by_workload=true) also
    C(last_success_by_workload), with O(subscriptions=true) also C(subscriptions), with O(protection=true) also
    C(workloads) and C(protected_workloads).
  - The inventory source must be a YAML file whose name ends in C(avepoint_customers.yml) or C(avepoint_customers.yaml).
  - Connection options are read from the inventory file, the E(AVEPOINT_*) environment variables and
    the C([avepoint_graph]) section of ansible.cfg. Their values may be templates (for example an
    C(ansible.builtin.env) lookup, see the examples) or vault-encrypted strings.
author:
  - avepoint.graph contributors (@example-msp)
extends_documentation_fragment:
  - avepoint.graph.connection
  - avepoint.graph.connection.plugins
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; it marks the file as an inventory source for it.
    type: str
    required: true
    choices: [avepoint.graph.avepoint_customers]
    version_added: 1.0.0
  mode:
    description:
      - V(hosts) adds one host per customer.
      - V(enrich) adds no host; it sets C(avepoint_customer) on the hosts that earlier inventory sources defined
        with the variable O(customer_id_var). Give those sources first, for example
        C(-i tenants.yml -i prod.avepoint_customers.yml).
    type: str
    choices: [hosts, enrich]
    default: hosts
    version_added: 1.0.0
  hostname:
    description:
      - How hosts are named in V(hosts) mode.
      - V(id) uses the customer ID (lowercase).
      - V(organization) uses the organization name made safe for host patterns. It is lowercased,
        accents are dropped and every run of other characters becomes one C(-), for example
        C(Müller & Söhne AG) becomes C(muller-sohne-ag). A name with nothing left is replaced by the customer ID.
      - When several customers would get the same name, each of them gets C(-) and the first 8 characters
        of its customer ID appended, for example C(contoso-0f8fad5b). This does not depend on the order
        the API lists customers in, nor on O(filters), so a host keeps its name from run to run.
    type: str
    choices: [id, organization]
    default: id
    version_added: 1.0.0
  filters:
    description:
      - In V(hosts) mode, only customers that pass every filter become hosts.
      - Each key lists the allowed values; comparison ignores letter case and extra white space.
        An empty list allows everything.
    type: dict
    default: {}
    suboptions:
      job_status:
        description: Allowed backup job status names (for example C(Working)) or numeric codes (for example C(1)).
        type: list
        elements: raw
      country_or_region:
        description: Allowed country or region names, as the API spells them (for example C(Vietnam)).
        type: list
        elements: str
    version_added: 1.0.0
  customer_id_var:
    description:
      - In V(enrich) mode, the host variable holding the customer ID (a GUID) of each host.
      - Host variables and group variables set by earlier inventory sources count; variables from
        C(host_vars/) and C(group_vars/) directories do not, because Ansible loads them only after all
        inventory sources.
      - The value may be a template over those variables.
    type: str
    default: avepoint_customer_id
    version_added: 1.0.0
  strict:
    description:
      - If V(true), an expression in O(compose), O(groups) or O(keyed_groups) that fails is an error;
        otherwise it is skipped (facts used in expressions may not always be available).
      - In V(enrich) mode V(true) also turns a host whose customer ID is invalid or unknown into an error
        for this inventory source instead of a warning; an invalid ID fails before any request.
    type: bool
    default: false
    version_added: 1.0.0
  last_success:
    description:
      - Add C(last_success) to the facts of each customer that gets them (in V(hosts) mode the customers that pass
        O(filters), in V(enrich) mode the customers of the hosts), the end time (UTC) of its newest successful backup
        job, as RV(avepoint.graph.avepoint_job_info#module:customers[].last_success) returns it, or null when the jobs
        API returned none.
      - Their jobs are read in one bulk call with the same token, which then asks for the jobs permission too
        (C(partner.jobs.read.all) or C(elements.jobs.read.all)); a O(scope) you set must name it.
      - V(false) (the default) reads no job, so the inventory costs what it always did.
      - With O(cache=true) the times are cached with the customer facts, under a key of their own, and a cached run
        reads jobs only for customers the cache has no time for (for example after a change of O(filters)).
    type: bool
    default: false
    version_added: 1.1.0
  last_success_by_workload:
    description:
      - Add C(last_success_by_workload) to the same customers' facts, the end time (UTC) of the newest successful
        backup job of each workload (job module) among the customer's jobs, as
        RV(avepoint.graph.avepoint_job_info#module:customers[].last_success_by_workload) returns it; keys are AvePoint's
        job module names (C(Exchange Online), C(OneDrive)...) whichever API answered, a workload whose jobs all failed
        maps to null, a workload without any job is absent.
      - Read with the same one bulk call of the jobs as O(last_success) (either option or both), with the same
        permission, and cached the same way.
      - V(false) (the default) reads no job.
    type: bool
    default: false
    version_added: 1.2.0
  subscriptions:
    description:
      - Add C(subscriptions) to the facts of each customer that gets them (in V(hosts) mode the customers that pass
        O(filters), in V(enrich) mode the customers of the hosts), its subscriptions (services, seats, licenses,
        capacity, expiry) as RV(avepoint.graph.avepoint_subscription_info#module:customers[].subscriptions) returns
        them; an empty list when the services API lists none for the customer (or does not know it).
      - They are read in one bulk call with the same token, which then asks for the license permission too
        (C(partner.license.read.all) or C(elements.license.read.all)); a O(scope) you set must name it.
      - V(false) (the default) reads no subscription.
      - With O(cache=true) they are cached with the customer facts, under a key of their own, like O(last_success).
    type: bool
    default: false
    version_added: 1.2.0
  protection:
    description:
      - Add C(workloads) and C(protected_workloads) to the facts of each customer that gets them (as for O(last_success)),
        its protection coverage per workload as RV(avepoint.graph.avepoint_protection_info#module:customers[].workloads)
        and RV(avepoint.graph.avepoint_protection_info#module:customers[].protected_workloads) return it (empty lists for
        a customer the protection API does not know).
      - C(protected_workloads) is a list of workload names, so O(keyed_groups) can group hosts by it, and an expression
        such as C(['Exchange Online', 'OneDrive'] | difference(avepoint_customer.protected_workloads)) by the
        workloads that are not protected (see the examples).
      - The protection data is read in one bulk call with the same token, which then asks for the protection permission
        too (C(partner.cbprotected.read.all) or C(elements.cbprotected.read.all)); a O(scope) you set must name it.
      - V(false) (the default) reads no protection data. With O(cache=true) the facts are cached as for O(last_success).
    type: bool
    default: false
    version_added: 1.2.0
notes:
  - The C(ansible_avepoint_*) variables apply to an inventory source only as extra variables (C(-e));
    host and group variables cannot configure an inventory plugin.
  - With O(cache=true) the customer facts (never a credential) are stored in the inventory cache, under a key
    derived from a SHA-256 hash of the inventory file path, O(mode) and who asks where (O(cloud), O(api), the URLs,
    O(scope), O(client_id) and every credential, with the content of certificate files), so another credential
    never reads the entry; the hash cannot be turned back into a credential.
    Within O(cache_timeout) later runs send no request at all, not even for a token. In V(enrich) mode the
    cache answers while it knows every requested customer ID. Use C(--flush-cache) to refresh it.
  - In V(hosts) mode each host also gets C(avepoint_customer_id), so the hosts can feed another inventory in V(enrich) mode.
  - API strings (organization names and so on) are marked unsafe, so they are never templated.
  - A key of the inventory file that is no option of this plugin (for example C(filter) for O(filters)) is an error
    naming it, and a value outside an option's choices is an error listing them, before any request.
seealso:
  - module: avepoint.graph.avepoint_customer_info
  - plugin: avepoint.graph.avepoint_customer
    plugin_type: lookup
"""

EXAMPLES = r"""
# inventory/msp.avepoint_customers.yml: one host per customer, named by organization,
# grouped by backup job status and by country; credentials from the environment
# (AVEPOINT_CLIENT_ID, AVEPOINT_CLIENT_SECRET).
plugin: avepoint.graph.avepoint_customers
hostname: organization
keyed_groups:
  - key: avepoint_customer.job_status
    prefix: job_status
  - key: avepoint_customer.country_or_region
    prefix: country
groups:
  needs_attention: avepoint_customer.job_status_code != 1
compose:
  ansible_connection: "'local'"

# Every customer with the time of its last successful backup; a group of those without a
# successful backup in the last day (the time text compares correctly as a string).
plugin: avepoint.graph.avepoint_customers
last_success: true
groups:
  backup_overdue: >-
    avepoint_customer.last_success is none
    or avepoint_customer.last_success < '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true)

# The last success of each workload: a group per workload without a successful backup in the last
# day (or none at all), such as overdue_Exchange_Online.
plugin: avepoint.graph.avepoint_customers
last_success_by_workload: true
keyed_groups:
  - prefix: overdue
    key: >-
      (avepoint_customer.last_success_by_workload | dict2items | selectattr('value', 'none') | map(attribute='key') | list)
      + (avepoint_customer.last_success_by_workload | dict2items | rejectattr('value', 'none')
         | selectattr('value', 'lt', '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true))
         | map(attribute='key') | list)

# Every customer with its subscriptions; a group of those with a subscription that ends (or ended)
# within 30 days (the date text compares correctly as a string).
plugin: avepoint.graph.avepoint_customers
subscriptions: true
groups:
  renewal_due: >-
    avepoint_customer.subscriptions | map(attribute='expiration_date') | reject('none')
    | select('lt', '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() + 30 * 86400, utc=true)) | list | length > 0

# Every customer with its protection coverage, grouped by the Microsoft 365 workloads it does not
# protect (groups unprotected_OneDrive, unprotected_Microsoft_Teams...) and by those it does.
plugin: avepoint.graph.avepoint_customers
protection: true
keyed_groups:
  - key: >-
      ['Exchange Online', 'SharePoint Online', 'OneDrive', 'Microsoft Teams']
      | difference(avepoint_customer.protected_workloads)
    prefix: unprotected
  - key: avepoint_customer.protected_workloads
    prefix: protected
groups:
  coverage_below_95: >-
    avepoint_customer.workloads | selectattr('coverage_percent', 'number')
    | selectattr('coverage_percent', 'lt', 95) | list | length > 0

# Only customers in Vietnam (however the API spells it) or Germany whose backups are
# not working, cached for an hour.
plugin: avepoint.graph.avepoint_customers
filters:
  country_or_region: [Vietnam, Viet Nam, Germany]
  job_status: [Failed, Multiple issues found, Finished with exception]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/avepoint_inventory
cache_timeout: 3600

# A secret from an environment variable (templates are allowed in connection options).
plugin: avepoint.graph.avepoint_customers
client_id: 0f8fad5b-d9cb-469f-a165-70867728950e
client_secret: "{{ lookup('ansible.builtin.env', 'MSP_AVEPOINT_SECRET') }}"

# Enrich mode. tenants.yml, a static inventory given first, names the customer of each host:
#   all:
#     hosts:
#       contoso-dc01:
#         customer_guid: 2c6a3b43-3d58-4b36-9a4e-6f3f0f7d7f61
#     children:
#       fabrikam:
#         vars:
#           customer_guid: 9b0e7a52-0a5e-4bb1-8a8f-5d0b43b1e7c2
#         hosts:
#           fabrikam-dc01: {}
# Run: ansible-inventory -i tenants.yml -i enrich.avepoint_customers.yml --graph
plugin: avepoint.graph.avepoint_customers
mode: enrich
customer_id_var: customer_guid
strict: true
keyed_groups:
  - key: avepoint_customer.job_status
    prefix: backup
"""

import copy  # noqa: E402 - after the documentation, as in every plugin
from typing import Any, Callable  # noqa: E402

from ansible.errors import AnsibleParserError  # noqa: E402
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable  # noqa: E402
from ansible.utils.unsafe_proxy import wrap_var  # noqa: E402

from ansible_collections.avepoint.graph.plugins.module_utils._client import AvePointClient, CustomerSet  # noqa: E402
from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError, ConfigurationError  # noqa: E402
from ansible_collections.avepoint.graph.plugins.module_utils._options import ConnectionSettings  # noqa: E402
from ansible_collections.avepoint.graph.plugins.plugin_utils._filters import matches, parse_filters  # noqa: E402
from ansible_collections.avepoint.graph.plugins.plugin_utils._hostnames import customer_host_names  # noqa: E402
from ansible_collections.avepoint.graph.plugins.plugin_utils._connection import PluginOptions  # noqa: E402
from ansible_collections.avepoint.graph.plugins.plugin_utils._inventory_cache import (  # noqa: E402
    cache_entry,
    customer_cache_key,
    customers_from_entry,
    private_cache_directory,
)
from ansible_collections.avepoint.graph.plugins.plugin_utils._inventory_hosts import collect_customer_ids, inventory_vars  # noqa: E402
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import add_facts, enabled, lacking, reads  # noqa: E402

FACTS_VAR = "avepoint_customer"
ID_VAR = "avepoint_customer_id"


class InventoryModule(PluginOptions, BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "avepoint.graph.avepoint_customers"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("avepoint_customers.yml", "avepoint_customers.yaml"))

    def set_options(self, task_keys: Any = None, var_options: Any = None, direct: Any = None) -> None:
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        # Set before Ansible loads the cache plugin, which would create the directory with the umask.
        if self.get_option("cache"):
            warning = private_cache_directory(self.get_option("cache_plugin"), self.get_option("cache_connection"))
            if warning:
                self.display.warning("avepoint_customers inventory: %s" % warning)

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        try:
            self._read_config_data(path)  # unknown keys, choices, booleans and templates: see PluginOptions
            settings = self.connection_settings(reads(enabled(self.get_option)))
            if self.get_option("mode") == "hosts":
                self._add_customer_hosts(path, cache, settings)
            else:
                self._enrich_hosts(path, cache, settings)
        except AvePointError as error:
            # str(error) is user-safe (secrets masked); the traceback adds nothing for the user.
            raise AnsibleParserError("avepoint_customers inventory %s: %s" % (path, error)) from None

    def _add_customer_hosts(self, path: str, cache: bool, settings: ConnectionSettings) -> None:
        filters = parse_filters(self.get_option("filters"))
        customers = self._fetch(path, cache, "hosts", settings, select=lambda found: [c for c in found if matches(c, filters)]).customers
        # Names come from every customer, so a filter change never renames a host.
        names = customer_host_names(customers, self.get_option("hostname"))
        for facts in sorted(customers, key=lambda c: names[c["id"]]):
            if matches(facts, filters):
                host = names[facts["id"]]
                self.inventory.add_host(host)
                self.inventory.set_variable(host, ID_VAR, facts["id"])
                self._set_facts(host, facts)

    def _enrich_hosts(self, path: str, cache: bool, settings: ConnectionSettings) -> None:
        var_name = self.get_option("customer_id_var")
        if not isinstance(var_name, str) or not var_name.isidentifier():
            raise ConfigurationError("option 'customer_id_var' must be a variable name, got %r" % (var_name,))
        hosts = collect_customer_ids(self.inventory, var_name, self.templar)
        strict = self.get_option("strict")
        if strict and hosts.problems:
            raise ConfigurationError("; ".join(hosts.problems))  # before any request
        for problem in hosts.problems:
            self.display.warning("avepoint_customers inventory %s: %s" % (path, problem))
        if not hosts.ids:
            self.display.warning("avepoint_customers inventory %s: no host defined by earlier inventory sources has the variable %s"
                                 % (path, var_name))
            return
        found = self._fetch(path, cache, "enrich", settings, sorted(set(hosts.ids.values())))
        by_id = {facts["id"]: facts for facts in found.customers}
        unknown = ["host %s: customer %s not found" % (host, customer_id)
                   for host, customer_id in hosts.ids.items() if customer_id not in by_id]
        if strict and unknown:
            raise ConfigurationError("; ".join(unknown))
        for problem in unknown:
            self.display.warning("avepoint_customers inventory %s: %s" % (path, problem))
        for host, customer_id in hosts.ids.items():
            if customer_id in by_id:
                self._set_facts(host, by_id[customer_id])

    def _set_facts(self, host: str, facts: dict[str, Any]) -> None:
        """Set the facts (unsafe: API text is never templated), then compose, groups and keyed_groups."""
        self.inventory.set_variable(host, FACTS_VAR, wrap_var(facts))
        variables = inventory_vars(self.inventory, host)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)

    def _fetch(self, path: str, cache: bool, mode: str, settings: ConnectionSettings, ids: Any = None,
               select: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] = list) -> CustomerSet:
        """Customers from the inventory cache when allowed and sufficient, else from the API (one bulk call).

        With the fact options (last_success, last_success_by_workload, subscriptions, protection), the ``select``ed
        customers also carry their facts: read in one bulk call per kind of data with the same client, and only for
        those a cached entry lacks.
        """
        use_cache = bool(self.get_option("cache"))
        fact_options = enabled(self.get_option)
        key = customer_cache_key(self.NAME, path, mode, settings, fact_options)
        entry = self._cache.get(key) if use_cache and cache else None
        if fact_options and entry is not None:
            entry = copy.deepcopy(entry)  # completed below: a new object, so Ansible sees the change and saves it
        found = customers_from_entry(entry, ids)
        without = lacking(select(found.customers), fact_options) if found is not None else []
        if found is not None and not without:
            return found
        with AvePointClient(settings, warn=self.display.warning) as client:
            if found is None:
                entry = None
                found = CustomerSet(client.list_customers()) if ids is None else client.get_customers(ids)
                without = lacking(select(found.customers), fact_options)
            add_facts(client, without, fact_options)  # the facts in found (and in a cached entry) get them
        if use_cache:
            self._cache[key] = entry if entry is not None else cache_entry(found)
        return found
