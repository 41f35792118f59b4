import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Role } from '../../src/common/enums';
import { createLogger } from '../../src/common/logging';
import { readState } from './state';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  dataSource: DataSource;
  /** Database URL of this file's own database. */
  databaseUrl: string;
  admin: string;
  /** A new user with these roles; returns the bearer token. */
  token(...roles: Role[]): Promise<string>;
  /** Creates a user and returns { id, token }. */
  user(...roles: Role[]): Promise<{ id: string; token: string }>;
  /** Listens on a free port of 127.0.0.1 (for a browser or a raw HTTP client); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment for this app's start-up (read by modules when they are built), restored afterwards. */
  env?: Record<string, string | undefined>;
}

/** A fresh copy of the migrated template database, for one test file (or one case). */
export async function cloneTemplate(prefix = 'sa_t'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { adminUrl, template } = readState();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        // Two files cloning the template at the same instant: one waits and retries.
        if (attempt > 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await cleanup.end();
    },
  };
}

/** The real service on a fresh copy of the migrated template database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await cloneTemplate();
  const booted = await bootApp(database.url, options);
  return {
    ...booted,
    close: async () => {
      await booted.app.close();
      await database.drop();
    },
  };
}

/** The real service, in this process, on the given database (migrated at start-up if needed). */
export async function bootApp(databaseUrl: string, options: TestAppOptions = {}): Promise<TestApp> {
  process.env.ADMIN_TOKEN = ADMIN_TOKEN;
  process.env.NODE_ENV = 'test';
  // Tests send many deliberately bad tokens from one address; the limiter has its own test.
  const env: Record<string, string | undefined> = { AUTH_MAX_FAILURES: '1000000', ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  setEnv(env);
  const logger = createLogger();
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(databaseUrl), {
      bodyParser: false,
      logger: false,
    });
    configureApp(app, logger);
    await app.init();
  } finally {
    setEnv(saved);
  }
  const http = request(app.getHttpServer());
  let counter = 0;
  const user = async (...roles: Role[]) => {
    counter += 1;
    const res = await http
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({
        name: `${roles.join('+')} user ${counter}`,
        email: `${roles.join('.')}.${counter}.${Math.random().toString(36).slice(2)}@test.example`,
        roles,
      });
    if (res.status !== 201) throw new Error(`could not create user: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id as string, token: res.body.token as string };
  };
  return {
    app,
    http,
    dataSource: app.get(DataSource),
    databaseUrl,
    admin: ADMIN_TOKEN,
    user,
    token: async (...roles: Role[]) => (await user(...roles)).token,
    listen: async () => {
      await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    },
    close: () => app.close(),
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
