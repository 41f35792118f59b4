import { startService } from './bootstrap';

void startService();
