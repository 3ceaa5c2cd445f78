"""Rows the API cannot create yet (or that tests want without going through
it): locations, nodes, nests, eggs, allocations and servers, inserted with
SQL. Every function returns the new row's uuid."""

import json
import uuid as uuidlib


def q(v):
    """A SQL literal (tests only; values are the tests' own)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"


def insert(ctx, db, table, **cols):
    names = ", ".join(cols)
    values = ", ".join(q(v) for v in cols.values())
    ctx.db.sql(f"INSERT INTO {table} ({names}) VALUES ({values})", db=db)


def location(ctx, db, name="Frankfurt", flag="de"):
    u = str(uuidlib.uuid4())
    insert(ctx, db, "locations", uuid=u, name=name, flag=flag)
    return u


def node(ctx, db, location_uuid, name="node-1", url="https://node1.example.com:8080",
         public_url=None, sftp_host=None, sftp_port=2022, maintenance=False):
    u = str(uuidlib.uuid4())
    insert(ctx, db, "nodes", uuid=u, location_uuid=location_uuid, name=name, url=url,
           public_url=public_url, sftp_host=sftp_host, sftp_port=sftp_port, memory=8192,
           disk=65536, token_id=uuidlib.uuid4().hex[:16], token=uuidlib.uuid4().hex,
           maintenance_enabled=maintenance)
    return u


def nest_egg(ctx, db, nest_name="Minecraft", egg_name="Paper"):
    n = str(uuidlib.uuid4())
    insert(ctx, db, "nests", uuid=n, name=nest_name, author="tests@example.com")
    e = str(uuidlib.uuid4())
    insert(ctx, db, "nest_eggs", uuid=e, nest_uuid=n, name=egg_name, author="tests@example.com",
           description="A fast server", config_files="[]", config_startup='{"done":["Done"]}',
           config_stop='{"type":"command","value":"stop"}',
           config_script='{"container":"alpine","entrypoint":"ash","content":""}',
           startup_commands='{"Default": "java -jar server.jar"}', features='["eula"]',
           docker_images='{"Java 21": "ghcr.io/pterodactyl/yolks:java_21"}',
           file_denylist="[]")
    return e


def server(ctx, db, owner_uuid, node_uuid, egg_uuid, name, created=None, status=None,
           suspended=False, allocation=None, **extra):
    """A server; allocation=(ip, port) also makes its primary allocation."""
    u = str(uuidlib.uuid4())
    short = int(u[:8], 16)
    if short >= 2 ** 31:
        short -= 2 ** 32
    cols = dict(uuid=u, uuid_short=short, node_uuid=node_uuid, owner_uuid=owner_uuid,
                egg_uuid=egg_uuid, name=name, status=status, suspended=suspended, memory=1024,
                swap=0, disk=10240, cpu=100, pinned_cpus="[]", startup="java -jar server.jar",
                image="ghcr.io/pterodactyl/yolks:java_21")
    if created is not None:
        cols["created"] = created
    cols.update(extra)
    insert(ctx, db, "servers", **cols)
    if allocation is not None:
        na = str(uuidlib.uuid4())
        insert(ctx, db, "node_allocations", uuid=na, node_uuid=node_uuid, ip=allocation[0],
               port=allocation[1])
        sa = str(uuidlib.uuid4())
        insert(ctx, db, "server_allocations", uuid=sa, server_uuid=u, allocation_uuid=na)
        ctx.db.sql(f"UPDATE servers SET allocation_uuid = {q(sa)} WHERE uuid = {q(u)}", db=db)
    return u


def subuser(ctx, db, server_uuid, user_uuid, permissions):
    insert(ctx, db, "server_subusers", server_uuid=server_uuid, user_uuid=user_uuid,
           permissions=json.dumps(permissions), ignored_files="[]")


def role(ctx, db, name, admin_permissions=(), server_permissions=(), require_two_factor=False):
    u = str(uuidlib.uuid4())
    insert(ctx, db, "roles", uuid=u, name=name, admin_permissions=json.dumps(list(admin_permissions)),
           server_permissions=json.dumps(list(server_permissions)),
           require_two_factor=require_two_factor)
    return u
