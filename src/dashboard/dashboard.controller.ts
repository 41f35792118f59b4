import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/actor';

// The dashboard is three static files; the data comes from the API with the user's own token,
// so this controller serves no data and needs no role.
const ASSETS: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  // The speaker's answer page behind the link in an invitation mail.
  'invitation.html': 'text/html; charset=utf-8',
  'invitation.js': 'text/javascript; charset=utf-8',
};

function publicDir(): string {
  const candidates = [join(__dirname, 'public'), join(__dirname, '../../../src/dashboard/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

/** Every file, read once when the service starts: they change only with a new release. */
function readAssets(dir: string): Map<string, string> {
  return new Map(['index.html', ...Object.keys(ASSETS)].map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly files = readAssets(publicDir());

  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.files.get('index.html') ?? '';
  }

  @Get(':asset')
  @Public()
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    const type = ASSETS[asset];
    const body = this.files.get(asset);
    if (!type || body === undefined) throw new NotFoundException({ detail: `No dashboard file ${asset}` });
    res.type(type).setHeader('Cache-Control', 'no-cache');
    res.send(body);
  }
}
