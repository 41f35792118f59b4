import { CanActivate, HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ProblemException } from '../common/problem';
import { IncidentKeyReading, IncidentKeys, readIncidentKey } from './incident-crypto';
import { ServiceConfig } from '../config/service-config';

/**
 * The incident key, read from INCIDENT_KEY when the module is built. Without a usable key the rest
 * of the service runs normally; incident reporting says why it is off, at start-up and on every call.
 */
@Injectable()
export class IncidentKeyring implements OnModuleInit {
  private readonly logger = new Logger('Incidents');
  private readonly reading: IncidentKeyReading;

  constructor(config: ServiceConfig) {
    this.reading = readIncidentKey(config.incidentKey);
  }

  onModuleInit(): void {
    if (!this.reading.ok) this.logger.error(this.reading.reason);
  }

  keys(): IncidentKeys {
    if (this.reading.ok) return this.reading.keys;
    throw new ProblemException(
      HttpStatus.SERVICE_UNAVAILABLE,
      `Incident reporting is not configured: ${this.reading.reason}. Ask the operators to set a 64-hex-character INCIDENT_KEY.`,
    );
  }
}

/** Every incidents route answers 503 while the key is missing or unusable (after authentication). */
@Injectable()
export class IncidentReportingConfigured implements CanActivate {
  constructor(private readonly keyring: IncidentKeyring) {}

  canActivate(): boolean {
    this.keyring.keys();
    return true;
  }
}
